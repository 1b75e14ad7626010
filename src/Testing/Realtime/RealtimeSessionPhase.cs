using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>
/// The realtime sockets' channel on a session: it hears the session's start and close from its outbox and completes
/// <see cref="Started"/> and <see cref="Closed"/>, which every realtime connection of the session awaits (no polling).
/// Subscribed when the first client connects; a start or close that came before is read from the session under the
/// lock that moves its phase (<see cref="FakeSession.GetOrSubscribe"/>), so none is missed and none heard twice.
/// </summary>
internal sealed class RealtimeSessionPhase : ISessionEventSink
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(int Status, string Reason)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RealtimeSessionPhase(FakeSession session)
    {
        if (session.Phase == SessionPhase.Started)
        {
            _started.TrySetResult();
        }
        else if (session.Phase == SessionPhase.Closed)
        {
            _closed.TrySetResult((session.CloseStatus ?? ChatCloseStatus.SessionStopped, session.CloseReason ?? ChatCloseStatus.SessionStoppedReason));
        }
    }

    /// <summary>
    /// Completes when the session starts (at once when it had and is still open; a client that comes after the close
    /// hears only of the close).
    /// </summary>
    public Task Started => _started.Task;

    /// <summary>Completes with the session's close status and reason when it closes (at once when it already had).</summary>
    public Task<(int Status, string Reason)> Closed => _closed.Task;

    /// <summary>The session's phase channel, subscribing it on first use.</summary>
    public static RealtimeSessionPhase Of(FakeSession session) => session.GetOrSubscribe(s => new RealtimeSessionPhase(s));

    /// <inheritdoc />
    public void OnEvent(in SessionEvent sessionEvent)
    {
        // The avatar's chat and room events are not the realtime protocol's; it speaks of its own utterances.
    }

    /// <inheritdoc />
    public void OnStarted() => _started.TrySetResult();

    /// <inheritdoc />
    public void OnClosed(int status, string reason) => _closed.TrySetResult((status, reason));
}
