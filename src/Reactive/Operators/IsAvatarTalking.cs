using System.Reactive.Linq;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Events;

/// <content>The <c>IsAvatarTalking</c> operator.</content>
public static partial class StreamingEventObservableExtensions
{
    /// <summary>
    /// Whether the avatar is speaking: true from <c>avatar_start_talking</c> until every started task has stopped (the
    /// same definition as <see cref="StreamingAvatar.IsAvatarTalking"/>).
    /// </summary>
    /// <param name="events">The session's events.</param>
    /// <returns>
    /// A cold stream that starts with <see langword="false"/>, then emits only changes. <c>stream_disconnected</c>
    /// makes it false. Completes when the source completes.
    /// </returns>
    public static IObservable<bool> IsAvatarTalking(this IObservable<StreamingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Observable.Defer(() =>
        {
            var talking = new AvatarTalkingTracker();
            return events
                .Select(talking.Apply)
                .StartWith(false)
                .DistinctUntilChanged();
        });
    }
}
