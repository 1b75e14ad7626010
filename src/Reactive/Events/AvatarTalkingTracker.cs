namespace KonPro.Streaming.Events;

/// <summary>
/// The SDK's one definition of "the avatar is talking", used by <see cref="StreamingAvatar.IsAvatarTalking"/> and by
/// the <see cref="StreamingEventObservableExtensions.IsAvatarTalking"/> operator alike: true from a task's
/// <c>avatar_start_talking</c> until every started task has had its <c>avatar_stop_talking</c> (a stop without a task
/// id ends them all); <c>stream_disconnected</c> ends them all. Not thread-safe: feed it from one serialized stream.
/// </summary>
internal sealed class AvatarTalkingTracker
{
    private readonly HashSet<string> _speaking = new(StringComparer.Ordinal);

    /// <summary>Whether the avatar is talking after the events applied so far.</summary>
    public bool IsTalking => _speaking.Count > 0;

    /// <summary>Applies one event.</summary>
    /// <param name="evt">The event.</param>
    /// <returns>Whether the avatar is talking after it.</returns>
    public bool Apply(StreamingEvent evt)
    {
        switch (evt)
        {
            case AvatarStartTalking:
                _speaking.Add(evt.TaskId ?? string.Empty);
                break;
            case AvatarStopTalking:
                if (!_speaking.Remove(evt.TaskId ?? string.Empty) && evt.TaskId is null)
                {
                    _speaking.Clear();
                }

                break;
            case StreamDisconnected:
                _speaking.Clear();
                break;
        }

        return IsTalking;
    }
}
