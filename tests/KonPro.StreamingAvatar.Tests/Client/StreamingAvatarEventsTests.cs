using System.Reactive.Concurrency;
using System.Reactive.Linq;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Client;

public sealed class StreamingAvatarEventsTests
{
    [Fact]
    public async Task A_throwing_subscriber_and_a_throwing_handler_do_not_break_delivery_to_others()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var handlerCalls = 0;
        avatar.On(StreamingEvents.AvatarTalkingMessage, _ =>
        {
            Interlocked.Increment(ref handlerCalls);
            throw new InvalidOperationException("handler bug");
        });
        using var thrower = avatar.Events.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        using var healthy = new EventRecorder<StreamingEvent>(avatar.Events);

        var first = await avatar.SpeakAsync(new SpeakRequest { Text = "One two three four five six.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await first.WaitForCompletionAsync(FakeServerScope.Patience);
        var second = await avatar.SpeakAsync(new SpeakRequest { Text = "Seven eight nine.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await second.WaitForCompletionAsync(FakeServerScope.Patience);

        healthy.Items.OfType<AvatarStopTalking>().Select(e => e.TaskId).Should().Equal(first.TaskId, second.TaskId);
        handlerCalls.Should().Be(healthy.Items.OfType<AvatarTalkingMessage>().Count(), "a throwing On handler keeps receiving");
    }

    [Fact]
    public async Task On_and_Off_register_and_unregister_handlers_and_chain()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var starts = new List<StreamingEvent>();
        var stops = new List<StreamingEvent>();
        Action<StreamingEvent> onStart = starts.Add;
        Action<StreamingEvent> onStop = stops.Add;

        avatar.On(StreamingEvents.AvatarStartTalking, onStart).On(StreamingEvents.AvatarStopTalking, onStop).Should().BeSameAs(avatar);
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Hi.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        avatar.Off(StreamingEvents.AvatarStartTalking, onStart).Off(StreamingEvents.AvatarStopTalking, onStop);
        var after = await avatar.SpeakAsync(new SpeakRequest { Text = "Bye.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        await after.WaitForCompletionAsync(FakeServerScope.Patience);

        starts.Should().ContainSingle().Which.Should().BeOfType<AvatarStartTalking>().Which.TaskId.Should().Be(handle.TaskId);
        stops.Should().ContainSingle().Which.TaskId.Should().Be(handle.TaskId);
    }

    [Fact]
    public async Task A_malformed_message_is_dropped_and_an_unknown_event_passes_through()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        scope.Server.Faults.SendMalformedEvent(session.SessionId).Should().Be(1);
        scope.Server.Faults.SendUnknownEvent(session.SessionId, "avatar_mood_changed");
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Still here.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);

        (await events.WaitForAsync<UnknownStreamingEvent>()).Name.Should().Be("avatar_mood_changed");
        events.Items.Should().Contain(e => e is AvatarStopTalking && e.TaskId == handle.TaskId);
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }

    [Fact]
    public async Task Events_the_server_sends_twice_on_one_socket_are_two_events()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        scope.Server.Faults.DuplicateEvents(true, session.SessionId);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Alpha beta gamma delta epsilon zeta eta theta.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        await Wait.UntilAsync(() => events.Items.Count(e => e is AvatarStopTalking && e.TaskId == handle.TaskId) == 2);

        // Identical consecutive events on one channel are different events (the same word spoken twice): nothing is dropped.
        var mine = events.Items.Where(e => e.TaskId == handle.TaskId).ToList();
        mine.OfType<AvatarStartTalking>().Should().HaveCount(2);
        mine.OfType<AvatarTalkingMessage>().Should().HaveCount(6);
        (await handle.Completed).Outcome.Should().Be(SpeakOutcome.Completed);
    }

    [Fact]
    public async Task A_message_the_parser_cannot_handle_is_dropped_and_the_session_goes_on()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { ReconnectPolicy = new ReconnectPolicy() });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var states = new EventRecorder<SessionState>(avatar.State);

        scope.Server.Faults.SendRawChatMessage(session.SessionId, """{"event_type":"avatar_talking_message","task_id":"t","message":"\ud800"}""");
        scope.Server.Faults.SendRawChatMessage(session.SessionId, """{"event_type":"\udc00"}""");
        scope.Server.Faults.SendUnknownEvent(session.SessionId, "after_the_bad_ones");

        await events.WaitForAsync<UnknownStreamingEvent>(e => e.Name == "after_the_bad_ones");
        avatar.CurrentState.Should().Be(SessionState.Connected);
        states.Items.Should().Equal(SessionState.Connected);
    }

    [Fact]
    public async Task Typed_shortcuts_and_talking_state_follow_the_events()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var starts = new EventRecorder<AvatarStartTalking>(avatar.AvatarStartTalking);
        using var stops = new EventRecorder<AvatarStopTalking>(avatar.AvatarStopTalking);
        using var ends = new EventRecorder<AvatarEndMessage>(avatar.AvatarEndMessage);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Shortcut test.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });

        (await starts.WaitForAsync(e => e.TaskId == handle.TaskId)).Should().NotBeNull();
        (await stops.WaitForAsync(e => e.TaskId == handle.TaskId)).DurationMs.Should().BeGreaterThan(0);
        (await ends.WaitForAsync(e => e.TaskId == handle.TaskId)).Should().NotBeNull();
        (await avatar.IsAvatarTalking.FirstAsync()).Should().BeFalse("the replayed current value after the task ended");
        (await avatar.IsUserTalking.FirstAsync()).Should().BeFalse();
        (await avatar.State.FirstAsync()).Should().Be(SessionState.Connected);
    }

    [Fact]
    public async Task The_server_closing_for_idleness_closes_the_session_with_the_reason()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 30 });

        var disconnected = await events.WaitForAsync<StreamDisconnected>();
        disconnected.Reason.Should().Be(DisconnectReason.IdleTimeout);
        disconnected.CloseStatus.Should().Be(4001);
        await events.WaitForCompletionAsync();
        avatar.CurrentState.Should().Be(SessionState.Closed);
        avatar.DisconnectReason.Should().Be(DisconnectReason.IdleTimeout);
        await FluentActions.Awaiting(() => avatar.SpeakAsync(new SpeakRequest { Text = "hi" })).Should().ThrowAsync<InvalidOperationException>().WithMessage("*Closed*");
        await avatar.StopAvatarAsync();
    }

    [Fact]
    public async Task A_dropped_socket_without_a_reconnect_policy_closes_and_stops_the_session()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        scope.Server.Faults.AbortChat(session.SessionId);

        (await events.WaitForAsync<StreamDisconnected>()).Reason.Should().Be(DisconnectReason.NetworkLost);
        await events.WaitForCompletionAsync();
        await Wait.UntilAsync(() => scope.Server.GetSession(session.SessionId)!.Status == Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task A_dropped_socket_with_a_reconnect_policy_reconnects_and_events_keep_flowing()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions
        {
            ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200), MaxAttempts = 5 },
        });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var states = new EventRecorder<SessionState>(avatar.State);

        scope.Server.Faults.CloseChat(session.SessionId, 1012, "restart");
        await states.WaitForAsync(s => s == SessionState.Reconnecting);
        await Wait.UntilAsync(() => states.Items.SkipWhile(s => s != SessionState.Reconnecting).Contains(SessionState.Connected));
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Back again.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Completed, "the session should live on (state {0}, reason {1})", avatar.CurrentState, avatar.DisconnectReason);
        avatar.CurrentState.Should().Be(SessionState.Connected);
    }

    [Fact]
    public async Task A_close_that_must_not_be_retried_closes_even_with_a_reconnect_policy()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { ReconnectPolicy = new ReconnectPolicy() });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var states = new EventRecorder<SessionState>(avatar.State);

        scope.Server.Faults.CloseChat(session.SessionId, 4002, "duration_limit");

        (await events.WaitForAsync<StreamDisconnected>()).Reason.Should().Be(DisconnectReason.DurationLimit);
        await states.WaitForCompletionAsync();
        states.Items.Should().NotContain(SessionState.Reconnecting);
    }

    [Fact]
    public async Task A_stop_from_elsewhere_closes_the_session_as_stopped()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync(useApiKey: true);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);

        // Stop it on the server behind this client's back, with a raw call carrying the API key.
        using var request = new HttpRequestMessage(HttpMethod.Post, scope.Server.Url + "/v1/streaming/stop")
        {
            Content = new StringContent($$"""{"session_id":"{{session.SessionId}}"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", scope.Server.ApiKey);
        (await scope.Http.SendAsync(request)).EnsureSuccessStatusCode();

        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Closed);
        avatar.DisconnectReason.Should().Be(DisconnectReason.ClientStop);
        await FluentActions.Awaiting(() => avatar.KeepAliveAsync()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Theory]
    [InlineData("error")]
    [InlineData("legacy")]
    [InlineData("detail")]
    [InlineData("non-success")]
    [InlineData("rate")]
    [InlineData("state")]
    public async Task Every_error_envelope_of_a_session_call_maps_to_the_exception_family(string shape)
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var (answer, expected) = shape switch
        {
            "error" => (FaultAnswer.Error(403, "INSUFFICIENT_PERMISSIONS", "not yours"), typeof(KonProPermissionException)),
            "legacy" => (FaultAnswer.LegacyCode(), typeof(KonProAuthenticationException)),
            "detail" => (FaultAnswer.Detail(404, "Session not found"), typeof(KonProNotFoundException)),
            "non-success" => (FaultAnswer.NonSuccessCode(10001, "busy"), typeof(KonProApiException)),
            "rate" => (FaultAnswer.Error(429, "RATE_LIMIT_EXCEEDED", "slow down", retryAfterSeconds: 3), typeof(KonProRateLimitException)),
            _ => (FaultAnswer.Error(400, "SESSION_STATE_INVALID", "session state wrong: closed"), typeof(KonProSessionClosedException)),
        };
        scope.Server.Faults.FailNext(KonProOperationIds.SendTask, 1, answer);

        var act = () => avatar.SpeakAsync(new SpeakRequest { Text = "hi" });

        var thrown = (await act.Should().ThrowAsync<KonProApiException>()).Which;
        thrown.Should().BeOfType(expected);
        thrown.Operation.Should().Be("SendTask");
        if (shape == "rate")
        {
            thrown.RetryAfter.Should().Be(TimeSpan.FromSeconds(3));
        }
    }

    [Fact]
    public async Task Automatic_keep_alive_runs_on_the_injected_scheduler_below_the_idle_timeout()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var scheduler = new HistoricalScheduler();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions { AutoKeepAlive = true, Scheduler = scheduler });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 60 });

        scheduler.AdvanceBy(TimeSpan.FromSeconds(29));
        scope.Calls(KonProOperationIds.KeepAlive).Should().BeEmpty();
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => scope.Calls(KonProOperationIds.KeepAlive).Count == 1);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(() => scope.Calls(KonProOperationIds.KeepAlive).Count == 3);

        await avatar.StopAvatarAsync();
        scheduler.AdvanceBy(TimeSpan.FromMinutes(10));
        scope.Calls(KonProOperationIds.KeepAlive).Should().HaveCount(3, "keep-alive stops with the session");
    }
}
