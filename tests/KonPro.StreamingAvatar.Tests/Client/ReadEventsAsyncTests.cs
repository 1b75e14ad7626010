using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Events;

/// <summary>Issue 9.5: <c>await foreach</c> over a live session's events against the fake server.</summary>
public sealed class ReadEventsAsyncTests
{
    [Fact]
    public async Task Await_foreach_sees_a_task_in_order_and_ends_when_the_session_stops()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        var seen = new List<StreamingEvent>();
        var pinged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var consumer = Task.Run(async () =>
        {
            await foreach (var evt in avatar.ReadEventsAsync())
            {
                if (evt is UnknownStreamingEvent { Name: "ping" })
                {
                    pinged.TrySetResult();
                    continue;
                }

                seen.Add(evt);
            }
        });

        // The loop subscribes when it starts: ping until it has.
        while (!pinged.Task.IsCompleted)
        {
            scope.Server.Faults.SendUnknownEvent(session.SessionId, "ping");
            await Task.WhenAny(pinged.Task, Task.Delay(20));
        }

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Pull me one at a time.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        await avatar.StopAvatarAsync();
        await consumer.WaitAsync(FakeServerScope.Patience);

        var mine = seen.Where(e => e.TaskId == handle.TaskId).ToList();
        mine[0].Should().BeOfType<AvatarStartTalking>();
        mine.OfType<AvatarTalkingMessage>().Select(m => m.Message.Trim()).Should().NotBeEmpty();
        string.Join(" ", mine.OfType<AvatarTalkingMessage>().Select(m => m.Message.Trim())).Should().Contain("Pull").And.Contain("time");
        mine.Should().ContainSingle(e => e is AvatarStopTalking);
        seen[^1].Should().BeOfType<StreamDisconnected>("the loop ends after the session's last event");
    }

    [Fact]
    public async Task A_slow_consumer_loses_nothing_the_buffer_is_unbounded()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        await scope.WaitForSocketAsync(session.SessionId);
        using var recorder = new EventRecorder<AvatarTalkingMessage>(avatar.AvatarTalkingMessage);
        await using var messages = avatar.ReadEventsAsync<AvatarTalkingMessage>().GetAsyncEnumerator();
        var first = messages.MoveNextAsync(); // subscribes now; nothing is pulled until the task is over

        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "One two three four five six seven eight.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        await handle.WaitForCompletionAsync(FakeServerScope.Patience);
        var expected = recorder.Items.Where(m => m.TaskId == handle.TaskId).ToList();
        expected.Should().HaveCountGreaterThan(1);

        var pulled = new List<AvatarTalkingMessage>();
        (await first.AsTask().WaitAsync(FakeServerScope.Patience)).Should().BeTrue();
        pulled.Add(messages.Current);
        while (pulled.Count < expected.Count && await messages.MoveNextAsync().AsTask().WaitAsync(FakeServerScope.Patience))
        {
            pulled.Add(messages.Current);
        }

        pulled.Should().Equal(expected, "every queued event comes out, in order, once");
    }

    [Fact]
    public async Task Cancelling_ends_the_loop_with_operation_cancelled_and_the_session_goes_on()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var cts = new CancellationTokenSource();

        var loop = async () =>
        {
            await foreach (var evt in avatar.ReadEventsAsync(cts.Token))
            {
                _ = evt;
            }
        };
        var running = loop();
        await cts.CancelAsync();

        await running.Awaiting(r => r.WaitAsync(FakeServerScope.Patience)).Should().ThrowAsync<OperationCanceledException>();
        avatar.CurrentState.Should().Be(SessionState.Connected);
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Still here.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        (await handle.WaitForCompletionAsync(FakeServerScope.Patience)).Outcome.Should().Be(SpeakOutcome.Completed);
    }

    [Fact]
    public async Task The_token_of_with_cancellation_cancels_too_and_events_to_async_enumerable_compiles()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        using var cts = new CancellationTokenSource();

        var viaWithCancellation = async () =>
        {
            await foreach (var evt in avatar.ReadEventsAsync().WithCancellation(cts.Token))
            {
                _ = evt;
            }
        };
        var viaEvents = async () =>
        {
            // The form the issue asked for: System.Linq.Async comes with the SDK.
            await foreach (var evt in avatar.Events.ToAsyncEnumerable().WithCancellation(cts.Token))
            {
                _ = evt;
            }
        };
        var first = viaWithCancellation();
        var second = viaEvents();
        await cts.CancelAsync();

        await first.Awaiting(t => t.WaitAsync(FakeServerScope.Patience)).Should().ThrowAsync<OperationCanceledException>();
        await second.Awaiting(t => t.WaitAsync(FakeServerScope.Patience)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void A_null_avatar_is_rejected_at_the_call()
    {
        var act = () => StreamingAvatarAsyncEnumerableExtensions.ReadEventsAsync(null!);

        act.Should().Throw<ArgumentNullException>();
    }
}
