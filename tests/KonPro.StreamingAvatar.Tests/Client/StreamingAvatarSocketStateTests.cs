using KonPro.StreamingAvatar.Tests.Support;

namespace KonPro.StreamingAvatar.Tests.Client;

/// <summary>The facade's reaction to the chat socket's status, driven through the internal socket seam (REST still goes to the fake).</summary>
public sealed class StreamingAvatarSocketStateTests
{
    [Fact]
    public async Task Reconnecting_and_reopened_statuses_drive_the_state_and_a_final_close_ends_the_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        InMemoryChatChannel? channel = null;
        await using var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http, new StreamingAvatarOptions(), r => channel = new InMemoryChatChannel(r));
        using var states = new EventRecorder<SessionState>(avatar.State);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { UseSilencePrompt = true, EnablePushToTalk = true });
        channel!.Request.SessionId.Should().Be(session.SessionId);
        channel.Request.SilenceResponse.Should().BeTrue();
        channel.Request.PushToTalk.Should().BeTrue();
        channel.Request.ToString().Should().NotContain(channel.Request.SessionToken);

        channel.Reconnecting();
        avatar.CurrentState.Should().Be(SessionState.Reconnecting);
        channel.Reopened();
        avatar.CurrentState.Should().Be(SessionState.Connected);
        channel.Push(new UserStart { SessionId = session.SessionId });
        (await avatar.IsUserTalking.FirstAsyncTask()).Should().BeTrue();
        channel.Drop(4401, DisconnectReason.Unauthorized, "unauthorized");

        var disconnected = await events.WaitForAsync<StreamDisconnected>();
        disconnected.Reason.Should().Be(DisconnectReason.Unauthorized);
        disconnected.CloseStatus.Should().Be(4401);
        await states.WaitForCompletionAsync();
        states.Items.Should().Equal(
            SessionState.Inactive, SessionState.Creating, SessionState.Starting, SessionState.Connecting, SessionState.Connected,
            SessionState.Reconnecting, SessionState.Connected, SessionState.Closed);
        (await avatar.IsUserTalking.FirstAsyncTask()).Should().BeFalse("talking flags reset when the session closes");
    }

    [Fact]
    public async Task A_mock_can_stand_in_for_the_client()
    {
        await using StreamingAvatar mock = new MockAvatar();

        var handle = await mock.SpeakAsync(new SpeakRequest { Text = "x" });

        handle.TaskId.Should().Be("mock-task");
        (await handle.Completed).Outcome.Should().Be(SpeakOutcome.Completed);
        mock.CurrentState.Should().Be(SessionState.Connected);
    }

    private sealed class MockAvatar : StreamingAvatar
    {
        public override SessionState CurrentState => SessionState.Connected;

        public override Task<SpeakHandle> SpeakAsync(SpeakRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult(StreamingAvatarModelFactory.SpeakHandle("mock-task", SpeakOutcome.Completed, 1200));

        public override Task StopAvatarAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

internal static class ObservableTestExtensions
{
    public static Task<T> FirstAsyncTask<T>(this IObservable<T> source) =>
        System.Reactive.Threading.Tasks.TaskObservableExtensions.ToTask(System.Reactive.Linq.Observable.FirstAsync(source)).WaitAsync(FakeServerScope.Patience);
}
