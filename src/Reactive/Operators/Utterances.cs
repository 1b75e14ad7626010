using System.Reactive.Linq;
using KonPro.Streaming.Operators;

namespace KonPro.Streaming.Events;

/// <content>The <c>Utterances</c> operator.</content>
public static partial class StreamingEventObservableExtensions
{
    /// <summary>
    /// Groups the avatar's events into utterances, one per task: <c>avatar_start_talking</c>, the
    /// <c>avatar_talking_message</c> chunks, <c>avatar_end_message</c>, <c>avatar_stop_talking</c>.
    /// </summary>
    /// <param name="events">The session's events.</param>
    /// <param name="plannedDurationMs">
    /// Optionally, how long each task was planned to last (for example the <c>duration_ms</c> that the speak call
    /// answered), by task id; an utterance that lasted less is <see cref="AvatarUtterance.WasInterrupted"/>.
    /// Return <see langword="null"/> when unknown.
    /// </param>
    /// <returns>
    /// A cold stream with one utterance per <c>avatar_stop_talking</c>, in stop order. Tasks still open when the
    /// source reports <c>stream_disconnected</c> or completes are emitted then, as interrupted (started ones first).
    /// An utterance that spans a reconnect (<see cref="StreamReconnected"/>: chunks sent while the chat socket was down
    /// may be missing) is marked <see cref="AvatarUtterance.MayBeIncomplete"/>; one whose stop was lost in the gap is
    /// emitted when the avatar starts another task, ending at the gap's end. Completes when the source completes.
    /// </returns>
    public static IObservable<AvatarUtterance> Utterances(
        this IObservable<StreamingEvent> events,
        Func<string, long?>? plannedDurationMs = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Observable.Create<AvatarUtterance>(observer =>
        {
            var turns = new TurnAssembly();
            var lastSeen = DateTimeOffset.MinValue;

            void FlushAll(DateTimeOffset at)
            {
                foreach (var turn in turns.TakeAll())
                {
                    var ms = Math.Max(0, (long)(at - turn.StartedAt).TotalMilliseconds);
                    observer.OnNext(new AvatarUtterance(turn.TaskId, turn.Text, turn.StartedAt, at, ms, WasInterrupted: true) { MayBeIncomplete = turn.MayBeIncomplete });
                }
            }

            return events.Subscribe(
                evt =>
                {
                    lastSeen = evt.ReceivedAt;
                    if (evt is AvatarStartTalking)
                    {
                        foreach (var lost in turns.TakeLostInGap(evt.TaskId))
                        {
                            // Its stop was lost in the gap: it stopped by the gap's end, whether finished is unknown.
                            var endedAt = lost.SpannedGapUntil!.Value;
                            var ms = Math.Max(0, (long)(endedAt - lost.StartedAt).TotalMilliseconds);
                            observer.OnNext(new AvatarUtterance(lost.TaskId, lost.Text, lost.StartedAt, endedAt, ms, WasInterrupted: !lost.EndMessageSeen) { MayBeIncomplete = true });
                        }
                    }

                    if (turns.TryGather(evt))
                    {
                        return;
                    }

                    switch (evt)
                    {
                        case AvatarEndMessage:
                            turns.Get(evt).EndMessageSeen = true;
                            break;
                        case AvatarStopTalking stop:
                            if (!turns.TryTake(stop.TaskId, out var turn))
                            {
                                turn = new Turn(stop.TaskId, stop.ReceivedAt - TimeSpan.FromMilliseconds(stop.DurationMs));
                            }

                            var planned = stop.TaskId is null ? null : plannedDurationMs?.Invoke(stop.TaskId);
                            var interrupted = !turn.EndMessageSeen || (planned is { } p && stop.DurationMs < p);
                            observer.OnNext(new AvatarUtterance(stop.TaskId, turn.Text, turn.StartedAt, stop.ReceivedAt, stop.DurationMs, interrupted) { MayBeIncomplete = turn.MayBeIncomplete });
                            break;
                        case StreamReconnected gap:
                            turns.MarkGap(gap.GapEnd);
                            break;
                        case StreamDisconnected:
                            FlushAll(evt.ReceivedAt);
                            break;
                    }
                },
                observer.OnError,
                () =>
                {
                    FlushAll(lastSeen);
                    observer.OnCompleted();
                });
        });
    }
}
