using System.Reactive.Linq;
using KonPro.Streaming.Operators;

namespace KonPro.Streaming.Events;

/// <content>The <c>BargeInOperator</c> operator.</content>
public static partial class StreamingEventObservableExtensions
{
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
        // Rx's own building blocks: a per-subscription decision (Defer + Select), one interrupt call per decision
        // (FromAsync: its token is cancelled on dispose), merged and serialized by SelectMany, which completes when
        // the source has completed and every call has finished.
        return Observable.Defer(() =>
        {
            var turns = new BargeInTurns();
            return events
                .Select(turns.Decide)
                .Where(static fire => fire is not null)
                .SelectMany(fire => Observable.FromAsync(ct => CallInterruptAsync(interrupt, fire!.Value, ct)));
        });
    }

    private static async Task<BargeIn> CallInterruptAsync(Func<CancellationToken, Task> interrupt, (string? TaskId, DateTimeOffset At) fire, CancellationToken cancellationToken)
    {
        try
        {
            await interrupt(cancellationToken).ConfigureAwait(false);
            return new BargeIn(fire.TaskId, fire.At, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new BargeIn(fire.TaskId, fire.At, ex);
        }
    }
}
