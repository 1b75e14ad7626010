using KonPro.Streaming.Testing.Realtime;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Tests.Realtime;

/// <summary>
/// The realtime sockets' view of a session's phase: told by the session's outbox, so each change is known the moment
/// the session makes it (no clock runs in these tests, and none needs to).
/// </summary>
public sealed class RealtimeSessionPhaseTests
{
    [Fact]
    public async Task The_start_and_the_close_are_known_as_the_session_makes_them()
    {
        var session = Support.Sessions.New(new Support.ManualTimeProvider());
        var phase = RealtimeSessionPhase.Of(session);
        phase.Started.IsCompleted.Should().BeFalse();

        session.TryStart();
        phase.Started.IsCompleted.Should().BeTrue("the session told its channels before TryStart returned");
        phase.Closed.IsCompleted.Should().BeFalse();

        session.TryClose(4002, "duration_limit");
        phase.Closed.IsCompleted.Should().BeTrue("the session told its channels before TryClose returned");
        (await phase.Closed).Should().Be((4002, "duration_limit"));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task A_channel_subscribed_late_reads_the_phase_the_session_is_in()
    {
        var started = Support.Sessions.New();
        started.TryStart();
        var closed = Support.Sessions.New();
        closed.TryStart();
        closed.TryClose(4001, "idle_timeout");

        var ofStarted = RealtimeSessionPhase.Of(started);
        var ofClosed = RealtimeSessionPhase.Of(closed);

        ofStarted.Started.IsCompleted.Should().BeTrue();
        ofStarted.Closed.IsCompleted.Should().BeFalse();
        ofClosed.Started.IsCompleted.Should().BeFalse("a client that comes after the close hears only of the close");
        (await ofClosed.Closed).Should().Be((4001, "idle_timeout"));
        RealtimeSessionPhase.Of(started).Should().BeSameAs(ofStarted);
        await started.DisposeAsync();
        await closed.DisposeAsync();
    }
}
