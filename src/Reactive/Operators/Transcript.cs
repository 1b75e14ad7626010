using System.Reactive.Linq;
using KonPro.Streaming.Operators;

namespace KonPro.Streaming.Events;

/// <content>The <c>Transcript</c> operator.</content>
public static partial class StreamingEventObservableExtensions
{
    /// <summary>
    /// The conversation as entries of who said what: the avatar's <c>avatar_talking_message</c> chunks up to
    /// <c>avatar_end_message</c> (or <c>avatar_stop_talking</c>), and the user's <c>user_talking_message</c> chunks
    /// up to <c>user_end_message</c> (or the next user task).
    /// </summary>
    /// <param name="events">The session's events.</param>
    /// <returns>
    /// A cold stream with one entry per finished turn that had words, in the order the turns finished. Turns
    /// still open at <c>stream_disconnected</c> or at the source's completion are emitted then. A turn that spans a
    /// reconnect (<see cref="StreamReconnected"/>: words sent while the chat socket was down may be missing) is marked
    /// <see cref="TranscriptEntry.MayBeIncomplete"/>; an avatar turn whose end was lost in the gap ends when the avatar
    /// starts another task, at the gap's end. Completes when the source completes.
    /// </returns>
    public static IObservable<TranscriptEntry> Transcript(this IObservable<StreamingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Observable.Create<TranscriptEntry>(observer =>
        {
            var avatar = new TurnAssembly();
            Turn? user = null;
            var lastSeen = DateTimeOffset.MinValue;

            void Emit(Speaker speaker, Turn turn, DateTimeOffset at)
            {
                if (turn.HasText)
                {
                    observer.OnNext(new TranscriptEntry(speaker, turn.Text, turn.TaskId, turn.StartedAt, at) { MayBeIncomplete = turn.MayBeIncomplete });
                }
            }

            void FlushAll(DateTimeOffset at)
            {
                var open = avatar.TakeAll().Select(t => (Speaker: Speaker.Avatar, Turn: t)).ToList();
                if (user is not null)
                {
                    open.Add((Speaker.User, user));
                }

                foreach (var (speaker, turn) in open.OrderBy(o => o.Turn.StartedAt))
                {
                    Emit(speaker, turn, at);
                }

                user = null;
            }

            return events.Subscribe(
                evt =>
                {
                    lastSeen = evt.ReceivedAt;
                    if (evt is AvatarStartTalking)
                    {
                        foreach (var lost in avatar.TakeLostInGap(evt.TaskId))
                        {
                            Emit(Speaker.Avatar, lost, lost.SpannedGapUntil!.Value);
                        }
                    }

                    if (avatar.TryGather(evt))
                    {
                        return;
                    }

                    switch (evt)
                    {
                        case AvatarEndMessage or AvatarStopTalking:
                            if (avatar.TryTake(evt.TaskId, out var ended))
                            {
                                Emit(Speaker.Avatar, ended, evt.ReceivedAt);
                            }

                            break;
                        case UserTalkingMessage message:
                            if (user is not null && !string.Equals(user.TaskId, message.TaskId, StringComparison.Ordinal))
                            {
                                Emit(Speaker.User, user, evt.ReceivedAt);
                                user = null;
                            }

                            user ??= new Turn(message.TaskId, message.ReceivedAt);
                            user.Append(message.Message);
                            break;
                        case UserEndMessage:
                            if (user is not null)
                            {
                                Emit(Speaker.User, user, evt.ReceivedAt);
                                user = null;
                            }

                            break;
                        case StreamReconnected gap:
                            avatar.MarkGap(gap.GapEnd);
                            if (user is not null)
                            {
                                user.SpannedGapUntil = gap.GapEnd;
                            }

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
