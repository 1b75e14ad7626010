namespace KonPro.Streaming.Events;

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
public static partial class StreamingEventObservableExtensions
{
}
