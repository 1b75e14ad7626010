using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.Json;
using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Client;

public sealed class StreamingAvatarSpeakTests
{
    [Fact]
    public async Task A_handle_whose_end_was_sent_while_the_socket_reconnected_ends_as_unknown_after_a_bounded_wait()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var scheduler = new HistoricalScheduler();
        var avatar = await scope.CreateAvatarAsync(new StreamingAvatarOptions
        {
            Scheduler = scheduler,
            ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1), JitterRatio = 0, MaxAttempts = 3 },
            SpeakOutcomeTimeout = TimeSpan.FromSeconds(10),
        });
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var states = new EventRecorder<SessionState>(avatar.State);
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = string.Join(' ', Enumerable.Repeat("word", 60)), TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.Started.WaitAsync(FakeServerScope.Patience);

        scope.Server.Faults.AbortChat(session.SessionId);
        await states.WaitForAsync(s => s == SessionState.Reconnecting);
        await Wait.UntilAsync(() => scope.Server.GetSession(session.SessionId)!.Tasks.Single(t => t.TaskId == handle.TaskId).State == SpokenTaskState.Completed);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => avatar.CurrentState == SessionState.Connected);
        // The deadline is a timer on the virtual scheduler: had it been shorter, AdvanceBy would have ended the handle
        // synchronously, before returning.
        scheduler.AdvanceBy(TimeSpan.FromSeconds(9));
        handle.Completed.IsCompleted.Should().BeFalse("the wait is bounded by the planned duration plus the timeout, not less");
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(handle.PlannedDurationMs ?? 0));

        var result = await handle.Completed.WaitAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Unknown);
        avatar.CurrentState.Should().Be(SessionState.Connected, "the session lives on");
    }

    [Fact]
    public async Task Speak_async_returns_a_handle_that_starts_and_completes_with_the_task_events()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        using var talking = new EventRecorder<bool>(avatar.IsAvatarTalking);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello there, nice to meet you.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });

        handle.TaskId.Should().NotBeNullOrEmpty();
        // Waits for the end first: should the start ever be missed, the failure says how the handle ended and what the
        // subscriber saw, not only that Started was cancelled.
        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        handle.Started.IsCompletedSuccessfully.Should().BeTrue(
            "the start comes before the end (the handle ended {0}, the session is {1}, the subscriber saw {2})",
            result.Outcome,
            avatar.CurrentState,
            string.Join(", ", events.Items.Select(e => e is AvatarTalkingMessage ? e.Name : e.ToString())));
        (await handle.Started).TaskId.Should().Be(handle.TaskId);
        result.Outcome.Should().Be(SpeakOutcome.Completed);
        result.TaskId.Should().Be(handle.TaskId);
        var mine = events.Items.Where(e => e.TaskId == handle.TaskId).ToList();
        mine.First().Should().BeOfType<AvatarStartTalking>();
        mine.OfType<AvatarTalkingMessage>().Select(m => m.Message).Should().NotBeEmpty();
        string.Join(" ", mine.OfType<AvatarTalkingMessage>().Select(m => m.Message.Trim())).Should().Contain("Hello");
        mine.Should().ContainSingle(e => e is AvatarStopTalking);
        await talking.WaitForAsync(v => !v);
        talking.Items.Should().ContainInOrder(false, true, false);
        var body = JsonDocument.Parse(scope.Calls(KonProOperationIds.SendTask).Single().RequestBody!).RootElement;
        body.GetProperty("task_type").GetString().Should().Be("repeat");
        body.GetProperty("task_mode").GetString().Should().Be("async");
    }

    [Fact]
    public async Task Speak_sync_returns_when_the_avatar_finished_and_the_handle_is_already_complete()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Short one.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Completed);
        handle.Started.IsCompletedSuccessfully.Should().BeTrue();
        JsonDocument.Parse(scope.Calls(KonProOperationIds.SendTask).Single().RequestBody!).RootElement
            .GetProperty("task_mode").GetString().Should().Be("sync");
    }

    [Fact]
    public async Task Talk_gets_an_answer_from_the_avatar()
    {
        await using var scope = await FakeServerScope.StartAsync();
        scope.Server.Responder = _ => "I am the fake avatar.";
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var words = new EventRecorder<AvatarTalkingMessage>(avatar.AvatarTalkingMessage);

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Who are you?", TaskType = TaskType.Talk, TaskMode = TaskMode.Async });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);

        string.Join(" ", words.Items.Where(w => w.TaskId == handle.TaskId).Select(w => w.Message.Trim())).Should().Contain("fake avatar");
        JsonDocument.Parse(scope.Calls(KonProOperationIds.SendTask).Single().RequestBody!).RootElement
            .GetProperty("task_type").GetString().Should().Be("talk");
    }

    [Fact]
    public async Task Interrupt_completes_the_speaking_task_as_interrupted()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.TimeScale = 0.2);
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var longText = string.Join(' ', Enumerable.Repeat("This is a rather long sentence for the avatar to say.", 8));

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = longText, TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.Started.WaitAsync(FakeServerScope.Patience);
        await avatar.InterruptAsync();

        var result = await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        result.Outcome.Should().Be(SpeakOutcome.Interrupted);
        scope.Calls(KonProOperationIds.InterruptTask).Should().ContainSingle();
    }

    [Fact]
    public async Task Waiting_for_a_handle_can_time_out_and_be_cancelled_without_touching_the_task()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.TimeScale = 1);
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = string.Join(' ', Enumerable.Repeat("word", 200)), TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var timeout = () => handle.WaitForCompletionAsync(TimeSpan.FromMilliseconds(50));
        var cancelled = () => handle.WaitForCompletionAsync(FakeServerScope.Patience, cancel.Token);

        await timeout.Should().ThrowAsync<TimeoutException>();
        await cancelled.Should().ThrowAsync<OperationCanceledException>();
        handle.Completed.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task Disposal_mid_speech_completes_the_handle_as_session_closed()
    {
        await using var scope = await FakeServerScope.StartAsync(o => o.TimeScale = 1);
        var avatar = new StreamingAvatar(await scope.TokenConfigAsync(), scope.Http);
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = string.Join(' ', Enumerable.Repeat("word", 200)), TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
        await handle.Started.WaitAsync(FakeServerScope.Patience);

        await avatar.DisposeAsync();

        (await handle.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.SessionClosed);
        await events.WaitForCompletionAsync();
        scope.Server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task Listening_and_keep_alive_reach_the_server()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        await avatar.StartListeningAsync();
        scope.Server.GetSession(session.SessionId)!.IsListening.Should().BeTrue();
        await avatar.StopListeningAsync();
        scope.Server.GetSession(session.SessionId)!.IsListening.Should().BeFalse();
        await avatar.KeepAliveAsync();

        scope.Calls(KonProOperationIds.KeepAlive).Should().ContainSingle().Which.SessionId.Should().Be(session.SessionId);
    }

    [Fact]
    public async Task A_typed_message_goes_as_a_text_frame_and_the_avatar_answers()
    {
        await using var scope = await FakeServerScope.StartAsync();
        scope.Server.Responder = _ => "Thanks for writing.";
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        await avatar.SendMessageAsync("Hello from the keyboard");

        (await events.WaitForAsync<UserTalkingMessage>()).Message.Should().Contain("Hello from the keyboard");
        await events.WaitForAsync<AvatarStopTalking>();
        scope.Server.Journal.ChatFrames.Should().Contain(f => f.Kind == ChatFrameKind.Text && f.Text == "Hello from the keyboard");
    }

    [Fact]
    public async Task Calls_before_start_are_refused_before_any_request()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();

        await FluentActions.Awaiting(() => avatar.SpeakAsync(new SpeakRequest { Text = "hi" })).Should().ThrowAsync<InvalidOperationException>().WithMessage("*SpeakAsync*started*Inactive*");
        await FluentActions.Awaiting(() => avatar.InterruptAsync()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => avatar.StartListeningAsync()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => avatar.StopListeningAsync()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => avatar.KeepAliveAsync()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => avatar.SendMessageAsync("hi")).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => avatar.StartSessionAsync()).Should().ThrowAsync<InvalidOperationException>();

        scope.Server.Journal.RestCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task Invalid_input_is_refused_before_any_request()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();

        await FluentActions.Awaiting(() => avatar.CreateStartAvatarAsync(new StartAvatarRequest { Voice = new VoiceSetting { Rate = 2 } }))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*Voice.Rate*0.5*1.5*");
        await FluentActions.Awaiting(() => avatar.CreateStartAvatarAsync(new StartAvatarRequest { Language = "en-US" }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*Language*");
        await FluentActions.Awaiting(() => avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 10 }))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*30*3600*");
        scope.Server.Journal.RestCalls.Should().BeEmpty();

        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        scope.Server.Journal.Clear();
        await FluentActions.Awaiting(() => avatar.SpeakAsync(new SpeakRequest { Text = new string('a', 1001) }))
            .Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*1000*");
        await FluentActions.Awaiting(() => avatar.SpeakAsync(new SpeakRequest { Text = "" }))
            .Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => avatar.SendMessageAsync(new string('a', 1001)))
            .Should().ThrowAsync<ArgumentOutOfRangeException>();
        scope.Server.Journal.RestCalls.Should().BeEmpty();
        scope.Server.Journal.ChatFrames.Should().NotContain(f => f.Kind == ChatFrameKind.Text);
    }
}
