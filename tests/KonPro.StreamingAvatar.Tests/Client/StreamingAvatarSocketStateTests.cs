using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using KonPro.Streaming.Tests.Realtime.Support;
using KonPro.Streaming.TestSupport.Concurrency;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Client;

/// <summary>The facade's reaction to the chat socket, driven through the one internal seam, the socket connector (REST still goes to the fake).</summary>
public sealed class StreamingAvatarSocketStateTests
{
    [Fact]
    public async Task Reconnecting_and_reopened_statuses_drive_the_state_and_a_final_close_ends_the_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        await using var connector = new InMemoryWebSocketConnector();
        var scheduler = new HistoricalScheduler();
        var options = new StreamingAvatarOptions { Scheduler = scheduler, ReconnectPolicy = new ReconnectPolicy { JitterRatio = 0 } };
        await using var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http, options, connector);
        using var states = new EventRecorder<SessionState>(avatar.State);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest { UseSilencePrompt = true, EnablePushToTalk = true });
        var server = await connector.AcceptAsync();
        var query = server.Uri.Query;
        query.Should().Contain("session_id=" + session.SessionId).And.Contain("silence_response=true").And.Contain("push_to_talk=true");

        server.Abort();
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Reconnecting);
        scheduler.AdvanceBy(ReconnectPolicy.Default.InitialDelay);
        var reopened = await connector.AcceptAsync();
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Connected);
        await reopened.SendTextAsync("""{"event_type":"user_start"}""");
        await events.WaitForAsync<UserStart>();
        (await avatar.IsUserTalking.FirstAsyncTask()).Should().BeTrue();
        await reopened.CloseAsync(4401, "unauthorized");

        var disconnected = await events.WaitForAsync<StreamDisconnected>();
        disconnected.Reason.Should().Be(DisconnectReason.Unauthorized);
        disconnected.CloseStatus.Should().Be(4401);
        await states.WaitForCompletionAsync();
        states.Items.Should().Equal(
            SessionState.Inactive, SessionState.Creating, SessionState.Starting, SessionState.Connecting, SessionState.Connected,
            SessionState.Reconnecting, SessionState.Connected, SessionState.Disconnecting, SessionState.Closed);
        (await avatar.IsUserTalking.FirstAsyncTask()).Should().BeFalse("talking flags reset when the session closes");
    }

    [Fact]
    public async Task State_and_event_observers_run_under_no_lock_of_ours_and_may_call_back_in_from_any_thread()
    {
        await using var scope = await FakeServerScope.StartAsync();
        await using var connector = new InMemoryWebSocketConnector();
        var scheduler = new HistoricalScheduler();
        var options = new StreamingAvatarOptions { Scheduler = scheduler, ReconnectPolicy = new ReconnectPolicy { JitterRatio = 0 } };
        await using var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http, options, connector);
        var held = new ConcurrentQueue<string>();
        var seen = new ConcurrentQueue<SessionState>();
        var calledBack = new ConcurrentQueue<bool>();
        void Probe(string what)
        {
            foreach (var gate in LockProbe.HeldFrom(avatar))
            {
                held.Enqueue($"{what}: {gate}");
            }
        }

        using var probeEvents = avatar.Events.Subscribe(e => Probe(e.Name));
        using var probeStates = avatar.State.Subscribe(state =>
        {
            seen.Enqueue(state);
            Probe(state.ToString());
            if (state == SessionState.Reconnecting)
            {
                // From the socket's loop: another thread reads the state and subscribes again while this observer waits for it.
                calledBack.Enqueue(Task.Run(() =>
                {
                    _ = avatar.CurrentState;
                    using var again = avatar.State.Subscribe(_ => { });
                }).Wait(FakeServerScope.Patience));
            }
            else if (state == SessionState.Connected && seen.Contains(SessionState.Reconnecting))
            {
                // And on this thread: stop the session from inside the callback.
                _ = avatar.StopAvatarAsync();
            }
        });
        using var states = new EventRecorder<SessionState>(avatar.State);

        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var server = await connector.AcceptAsync();
        server.Abort();
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Reconnecting);
        scheduler.AdvanceBy(ReconnectPolicy.Default.InitialDelay);
        await connector.AcceptAsync();

        await states.WaitForCompletionAsync();
        states.Items.Should().Equal(
            SessionState.Inactive, SessionState.Creating, SessionState.Starting, SessionState.Connecting, SessionState.Connected,
            SessionState.Reconnecting, SessionState.Connected, SessionState.Disconnecting, SessionState.Closed);
        calledBack.Should().Equal(true);
        held.Should().BeEmpty("no user callback may run under a lock of the SDK");
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
