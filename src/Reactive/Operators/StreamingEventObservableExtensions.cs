using System.Reactive.Linq;
using System.Text;
using KonPro.StreamingAvatar.Events;

namespace KonPro.StreamingAvatar;

/// <summary>
/// Rx operators over a stream of <see cref="StreamingEvent"/>s: utterances, a transcript, talking flags and barge-in.
/// </summary>
/// <remarks>
/// Every operator is cold: each subscription subscribes to the source once and keeps its own state, so nothing
/// is shared between subscriptions. They follow the Rx contract: they expect a serialized source (as the SDK's
/// event streams are) and call their observer on the thread that delivered the source's notification, except
/// where a member says otherwise. A source error is passed on; a source completion completes them (after any
/// final values the member describes).
/// </remarks>
public static class StreamingEventObservableExtensions
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
    /// Completes when the source completes.
    /// </returns>
    public static IObservable<AvatarUtterance> Utterances(
        this IObservable<StreamingEvent> events,
        Func<string, long?>? plannedDurationMs = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Observable.Create<AvatarUtterance>(observer =>
        {
            var open = new Dictionary<string, Turn>(StringComparer.Ordinal);
            var lastSeen = DateTimeOffset.MinValue;

            void FlushAll(DateTimeOffset at)
            {
                foreach (var turn in open.Values.OrderBy(t => t.StartedAt).ToList())
                {
                    var ms = Math.Max(0, (long)(at - turn.StartedAt).TotalMilliseconds);
                    observer.OnNext(new AvatarUtterance(turn.TaskId, turn.Text.ToString(), turn.StartedAt, at, ms, WasInterrupted: true));
                }

                open.Clear();
            }

            return events.Subscribe(
                evt =>
                {
                    lastSeen = evt.ReceivedAt;
                    switch (evt)
                    {
                        case AvatarStartTalking:
                            GetTurn(open, evt, evt.ReceivedAt);
                            break;
                        case AvatarTalkingMessage message:
                            Append(GetTurn(open, evt, evt.ReceivedAt).Text, message.Message);
                            break;
                        case AvatarEndMessage:
                            GetTurn(open, evt, evt.ReceivedAt).EndMessageSeen = true;
                            break;
                        case AvatarStopTalking stop:
                            var key = stop.TaskId ?? string.Empty;
                            if (!open.Remove(key, out var turn))
                            {
                                turn = new Turn(stop.TaskId, stop.ReceivedAt - TimeSpan.FromMilliseconds(stop.DurationMs));
                            }

                            var planned = stop.TaskId is null ? null : plannedDurationMs?.Invoke(stop.TaskId);
                            var interrupted = !turn.EndMessageSeen || (planned is { } p && stop.DurationMs < p);
                            observer.OnNext(new AvatarUtterance(stop.TaskId, turn.Text.ToString(), turn.StartedAt, stop.ReceivedAt, stop.DurationMs, interrupted));
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

    /// <summary>
    /// The conversation as entries of who said what: the avatar's <c>avatar_talking_message</c> chunks up to
    /// <c>avatar_end_message</c> (or <c>avatar_stop_talking</c>), and the user's <c>user_talking_message</c> chunks
    /// up to <c>user_end_message</c> (or the next user task).
    /// </summary>
    /// <param name="events">The session's events.</param>
    /// <returns>
    /// A cold stream with one entry per finished turn that had words, in the order the turns finished. Turns
    /// still open at <c>stream_disconnected</c> or at the source's completion are emitted then. Completes when the
    /// source completes.
    /// </returns>
    public static IObservable<TranscriptEntry> Transcript(this IObservable<StreamingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Observable.Create<TranscriptEntry>(observer =>
        {
            var avatar = new Dictionary<string, Turn>(StringComparer.Ordinal);
            Turn? user = null;
            var lastSeen = DateTimeOffset.MinValue;

            void Emit(Speaker speaker, Turn turn, DateTimeOffset at)
            {
                if (turn.Text.Length > 0)
                {
                    observer.OnNext(new TranscriptEntry(speaker, turn.Text.ToString(), turn.TaskId, turn.StartedAt, at));
                }
            }

            void FlushAvatar(StreamingEvent evt)
            {
                if (avatar.Remove(evt.TaskId ?? string.Empty, out var turn))
                {
                    Emit(Speaker.Avatar, turn, evt.ReceivedAt);
                }
            }

            void FlushAll(DateTimeOffset at)
            {
                var open = avatar.Values.Select(t => (Speaker.Avatar, t)).ToList();
                if (user is not null)
                {
                    open.Add((Speaker.User, user));
                }

                foreach (var (speaker, turn) in open.OrderBy(o => o.t.StartedAt))
                {
                    Emit(speaker, turn, at);
                }

                avatar.Clear();
                user = null;
            }

            return events.Subscribe(
                evt =>
                {
                    lastSeen = evt.ReceivedAt;
                    switch (evt)
                    {
                        case AvatarStartTalking:
                            GetTurn(avatar, evt, evt.ReceivedAt);
                            break;
                        case AvatarTalkingMessage message:
                            Append(GetTurn(avatar, evt, evt.ReceivedAt).Text, message.Message);
                            break;
                        case AvatarEndMessage or AvatarStopTalking:
                            FlushAvatar(evt);
                            break;
                        case UserTalkingMessage message:
                            if (user is not null && !string.Equals(user.TaskId, message.TaskId, StringComparison.Ordinal))
                            {
                                Emit(Speaker.User, user, evt.ReceivedAt);
                                user = null;
                            }

                            user ??= new Turn(message.TaskId, message.ReceivedAt);
                            Append(user.Text, message.Message);
                            break;
                        case UserEndMessage:
                            if (user is not null)
                            {
                                Emit(Speaker.User, user, evt.ReceivedAt);
                                user = null;
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

    /// <summary>
    /// Barge-in: when the user starts speaking (<c>user_start</c>) while the avatar is speaking, calls
    /// <paramref name="interrupt"/> (for example <c>StreamingAvatar.InterruptAsync</c>), at most once per avatar turn.
    /// </summary>
    /// <param name="events">The session's events.</param>
    /// <param name="interrupt">Interrupts the avatar; its token is cancelled when the subscription is disposed.</param>
    /// <returns>
    /// A cold stream with one <see cref="BargeIn"/> per interrupt, emitted when the call has finished (from the
    /// thread that finished it; calls to the observer are serialized). A failed call is reported in
    /// <see cref="BargeIn.Error"/>, not as <c>OnError</c>. Completes when the source has completed and the calls in
    /// progress have finished. Disposing the subscription cancels the calls in progress.
    /// </returns>
    public static IObservable<BargeIn> BargeIn(this IObservable<StreamingEvent> events, Func<CancellationToken, Task> interrupt)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(interrupt);
        return Observable.Create<BargeIn>(observer =>
        {
            var gate = new object();
            var speaking = new List<string>();
            var interrupted = new HashSet<string>(StringComparer.Ordinal);
            var cancellation = new CancellationTokenSource();
            var inFlight = 0;
            var sourceDone = false;
            var stopped = false;

            void CompleteIfDone()
            {
                // Under the gate.
                if (sourceDone && inFlight == 0 && !stopped)
                {
                    stopped = true;
                    observer.OnCompleted();
                }
            }

            async Task CallAsync(string? taskId, DateTimeOffset at)
            {
                Exception? error = null;
                try
                {
                    await interrupt(cancellation.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    return; // unsubscribed
                }
                catch (Exception ex)
                {
                    error = ex;
                }
                finally
                {
                    lock (gate)
                    {
                        inFlight--;
                    }
                }

                lock (gate)
                {
                    if (!stopped)
                    {
                        observer.OnNext(new BargeIn(taskId, at, error));
                        CompleteIfDone();
                    }
                }
            }

            var subscription = events.Subscribe(
                evt =>
                {
                    string? fire = null;
                    var shouldFire = false;
                    lock (gate)
                    {
                        var key = evt.TaskId ?? string.Empty;
                        switch (evt)
                        {
                            case AvatarStartTalking:
                                if (!speaking.Contains(key))
                                {
                                    speaking.Add(key);
                                }

                                interrupted.Remove(key);
                                break;
                            case AvatarStopTalking:
                                if (!speaking.Remove(key) && evt.TaskId is null)
                                {
                                    speaking.Clear();
                                }

                                interrupted.Remove(key);
                                break;
                            case StreamDisconnected:
                                speaking.Clear();
                                interrupted.Clear();
                                break;
                            case UserStart:
                                if (speaking.Count > 0 && !speaking.TrueForAll(interrupted.Contains))
                                {
                                    interrupted.UnionWith(speaking);
                                    fire = speaking[^1];
                                    shouldFire = true;
                                    inFlight++;
                                }

                                break;
                        }
                    }

                    if (shouldFire)
                    {
                        _ = CallAsync(fire!.Length == 0 ? null : fire, evt.ReceivedAt);
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        if (!stopped)
                        {
                            stopped = true;
                            observer.OnError(error);
                        }
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        sourceDone = true;
                        CompleteIfDone();
                    }
                });

            return () =>
            {
                subscription.Dispose();
                lock (gate)
                {
                    stopped = true;
                }

                cancellation.Cancel();
                cancellation.Dispose();
            };
        });
    }

    private static Turn GetTurn(Dictionary<string, Turn> turns, StreamingEvent evt, DateTimeOffset at)
    {
        var key = evt.TaskId ?? string.Empty;
        if (!turns.TryGetValue(key, out var turn))
        {
            turn = new Turn(evt.TaskId, at);
            turns.Add(key, turn);
        }

        return turn;
    }

    private static void Append(StringBuilder text, string chunk)
    {
        if (chunk.Length == 0)
        {
            return;
        }

        if (text.Length > 0 && !char.IsWhiteSpace(text[^1]) && !char.IsWhiteSpace(chunk[0]))
        {
            text.Append(' ');
        }

        text.Append(chunk);
    }

    private sealed class Turn(string? taskId, DateTimeOffset startedAt)
    {
        public string? TaskId { get; } = taskId;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public StringBuilder Text { get; } = new();

        public bool EndMessageSeen { get; set; }
    }
}
