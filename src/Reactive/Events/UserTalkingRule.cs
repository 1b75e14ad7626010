namespace KonPro.Streaming.Events;

/// <summary>
/// The SDK's one definition of "the user is talking", used by <see cref="StreamingAvatar.IsUserTalking"/> and by the
/// <see cref="StreamingEventObservableExtensions.IsUserTalking"/> operator alike: true from <c>user_start</c> to
/// <c>user_stop</c>; <c>stream_disconnected</c> makes it false; every other event leaves it as it was.
/// </summary>
internal static class UserTalkingRule
{
    /// <summary>Whether the user is talking after <paramref name="evt"/>, when the event says.</summary>
    /// <param name="evt">The event.</param>
    /// <returns>The flag after the event, or <see langword="null"/> when the event does not change it.</returns>
    public static bool? After(StreamingEvent evt) => evt switch
    {
        UserStart => true,
        UserStop or StreamDisconnected => false,
        _ => null,
    };
}
