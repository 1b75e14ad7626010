using System.Reactive.Linq;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Events;

/// <content>The <c>IsUserTalking</c> operator.</content>
public static partial class StreamingEventObservableExtensions
{
    /// <summary>
    /// Whether the user is speaking: true from <c>user_start</c> to <c>user_stop</c> (the same definition as
    /// <see cref="StreamingAvatar.IsUserTalking"/>).
    /// </summary>
    /// <param name="events">The session's events.</param>
    /// <returns>
    /// A cold stream that starts with <see langword="false"/>, then emits only changes. <c>stream_disconnected</c>
    /// makes it false. Completes when the source completes.
    /// </returns>
    public static IObservable<bool> IsUserTalking(this IObservable<StreamingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events
            .Select(UserTalkingRule.After)
            .Where(static talking => talking.HasValue)
            .Select(static talking => talking.GetValueOrDefault())
            .StartWith(false)
            .DistinctUntilChanged();
    }
}
