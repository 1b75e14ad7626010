using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using KonPro.Streaming.Events;

namespace KonPro.Streaming;

/// <summary>
/// The session's events as <see cref="IAsyncEnumerable{T}"/>, for <c>await foreach</c> (a pull view of the hot
/// <see cref="StreamingAvatar.Events"/> stream).
/// </summary>
/// <remarks>
/// <para><b>When it starts.</b> Each enumeration subscribes to <see cref="StreamingAvatar.Events"/> when it starts (the
/// first <c>MoveNextAsync</c>, i.e. when <c>await foreach</c> begins), not when the method is called; it sees the events
/// that arrive from then on, in arrival order, with no replay. Two loops are two independent subscriptions.</para>
/// <para><b>Buffering: unbounded.</b> Events that arrive while the loop body is busy are queued in memory, in order,
/// and none is dropped or merged; the SDK's receive loop never waits for the consumer. A consumer that is slower than
/// the events for a long time therefore grows the queue without bound (a speaking avatar sends a few events per
/// second; a consumer that blocks for minutes holds minutes of events). To bound it, reduce the stream with Rx
/// before enumerating (<c>avatar.Events.Where(...)</c>, <c>Sample</c>, <c>Buffer</c>, then
/// <c>System.Linq.AsyncEnumerable.ToAsyncEnumerable</c> from the System.Linq.Async package this SDK depends on), or
/// leave the loop.</para>
/// <para><b>How it ends.</b> The loop ends normally when the session closes or the avatar is disposed, after the last
/// event (<see cref="StreamDisconnected"/> with the reason, for <see cref="ReadEventsAsync"/>); it never throws for a
/// network problem (those are events). Leaving the loop (<c>break</c>, <c>return</c>, an exception) unsubscribes and
/// drops what was queued. Cancelling <c>cancellationToken</c> (or the token given to
/// <see cref="TaskAsyncEnumerableExtensions.WithCancellation{T}(IAsyncEnumerable{T}, CancellationToken)"/>) makes the
/// pending <c>MoveNextAsync</c> throw <see cref="OperationCanceledException"/> and unsubscribes; the session itself is
/// not affected.</para>
/// </remarks>
public static class StreamingAvatarAsyncEnumerableExtensions
{
    /// <summary>Every event of the session, for <c>await foreach</c>. See the class remarks for buffering and completion.</summary>
    /// <param name="avatar">The avatar.</param>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The events from the start of the enumeration until the session closes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="avatar"/> is null.</exception>
    public static IAsyncEnumerable<StreamingEvent> ReadEventsAsync(this StreamingAvatar avatar, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(avatar);
        return ReadAsync(avatar.Events, cancellationToken);
    }

    /// <summary>
    /// The session's events of one type (for example <see cref="AvatarTalkingMessage"/>), for <c>await foreach</c>. Only
    /// these are queued. See the class remarks for buffering and completion.
    /// </summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="avatar">The avatar.</param>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The events of that type from the start of the enumeration until the session closes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="avatar"/> is null.</exception>
    public static IAsyncEnumerable<TEvent> ReadEventsAsync<TEvent>(this StreamingAvatar avatar, CancellationToken cancellationToken = default)
        where TEvent : StreamingEvent
    {
        ArgumentNullException.ThrowIfNull(avatar);
        return ReadAsync(avatar.Events.OfType<TEvent>(), cancellationToken);
    }

    // The bridge is System.Linq.Async's (an unbounded queue per enumeration); this adds the method's own token.
    private static async IAsyncEnumerable<T> ReadAsync<T>(IObservable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in source.ToAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}
