using System.Reactive.Linq;

namespace KonPro.Streaming;

/// <content>The <c>IsUserTalking</c> operator.</content>
public static partial class StreamingEventObservableExtensions
{
    /// <summary>Whether the user is speaking: true from <c>user_start</c> to <c>user_stop</c>.</summary>
    /// <param name="events">The session's events.</param>
    /// <returns>
    /// A cold stream that starts with <see langword="false"/>, then emits only changes. <c>stream_disconnected</c>
    /// makes it false. Completes when the source completes.
    /// </returns>
    public static IObservable<bool> IsUserTalking(this IObservable<StreamingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events
            .Where(static e => e is UserStart or UserStop or StreamDisconnected)
            .Select(static e => e is UserStart)
            .StartWith(false)
            .DistinctUntilChanged();
    }
}
