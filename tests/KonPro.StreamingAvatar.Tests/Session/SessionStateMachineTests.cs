using KonPro.Streaming.Session;
using KonPro.Streaming.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Tests.Session;

public sealed class SessionStateMachineTests
{
    [Fact]
    public void Transitions_happen_only_from_the_expected_state_and_the_stream_replays_and_completes()
    {
        var machine = new SessionStateMachine(NullLogger.Instance);
        using var states = new EventRecorder<SessionState>(machine.Changes);

        machine.BeginCreating();
        machine.TryMove(SessionState.Connected, SessionState.Reconnecting).Should().BeFalse();
        machine.TryMove(SessionState.Creating, SessionState.Starting).Should().BeTrue();
        FluentActions.Invoking(machine.BeginCreating).Should().Throw<InvalidOperationException>().WithMessage("*Starting*");
        machine.BeginDisconnecting();
        machine.Close(DisconnectReason.ClientStop).Should().Be(DisconnectReason.ClientStop);

        states.Items.Should().Equal(SessionState.Inactive, SessionState.Creating, SessionState.Starting, SessionState.Disconnecting, SessionState.Closed);
        states.Completion.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void The_first_reason_recorded_is_the_reason_the_session_closed()
    {
        var machine = new SessionStateMachine(NullLogger.Instance);

        machine.NoteReason(DisconnectReason.IdleTimeout);
        machine.Close(DisconnectReason.ClientStop).Should().Be(DisconnectReason.IdleTimeout);

        machine.DisconnectReason.Should().Be(DisconnectReason.IdleTimeout);
        machine.Current.Should().Be(SessionState.Closed);
    }

    [Fact]
    public void RequireStarted_names_the_call_and_the_state()
    {
        var machine = new SessionStateMachine(NullLogger.Instance);

        FluentActions.Invoking(() => machine.RequireStarted("SpeakAsync"))
            .Should().Throw<InvalidOperationException>().WithMessage("SpeakAsync needs a started session*the state is Inactive*");
        FluentActions.Invoking(() => machine.RequireConnected("SendMessageAsync"))
            .Should().Throw<InvalidOperationException>().WithMessage("SendMessageAsync needs a connected session*Inactive*");
    }
}
