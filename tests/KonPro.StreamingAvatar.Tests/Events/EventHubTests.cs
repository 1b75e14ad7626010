using System.Reactive;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Tests.Events;

public sealed class EventHubTests
{
    [Fact]
    public void A_hub_that_never_carries_a_value_keeps_no_queue_and_one_that_does_delivers_in_order()
    {
        var idle = new EventHub<int>(replayLatest: false, (_, _) => { });
        var used = new EventHub<int>(replayLatest: true, (_, _) => { });
        var seen = new List<int>();

        idle.HasQueue.Should().BeFalse("a session's unused hub (a chat-only session's room data) costs no queue");
        used.OnNext(1);
        used.AsObservable().Subscribe(Observer.Create<int>(seen.Add));
        used.OnNext(2);
        used.OnNext(3);

        used.HasQueue.Should().BeTrue();
        seen.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void A_throwing_observer_does_not_stop_delivery_to_the_others_nor_to_itself_later()
    {
        var errors = new List<Exception>();
        var hub = new EventHub<int>(replayLatest: false, (e, _) => errors.Add(e));
        var seen = new List<int>();
        var thrower = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(v =>
        {
            thrower.Add(v);
            throw new InvalidOperationException("boom");
        }));
        hub.AsObservable().Subscribe(Observer.Create<int>(seen.Add));

        hub.OnNext(1);
        hub.OnNext(2);

        seen.Should().Equal(1, 2);
        thrower.Should().Equal(1, 2);
        errors.Should().HaveCount(2);
    }

    [Fact]
    public void Work_that_throws_is_reported_and_the_values_queued_behind_it_are_still_delivered()
    {
        var errors = new List<Exception>();
        var hub = new EventHub<int>(replayLatest: false, (e, _) => errors.Add(e));
        var seen = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(seen.Add));

        hub.Enqueue(1);
        hub.EnqueueAfterDelivery(() => throw new InvalidOperationException("a handle's step failed"));
        hub.Enqueue(2);
        hub.Drain();
        hub.OnNext(3);

        seen.Should().Equal(1, 2, 3);
        errors.Should().ContainSingle().Which.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public void Replaying_hub_gives_the_current_value_then_changes_and_completes_late_subscribers()
    {
        var hub = new EventHub<string>(replayLatest: true, (_, _) => { }, hasInitial: true, "a");
        var early = new List<string>();
        hub.AsObservable().Subscribe(Observer.Create<string>(early.Add));

        hub.OnNext("b");
        hub.OnNextIfChanged("b").Should().BeFalse();
        hub.OnCompleted();
        var late = new List<string>();
        var completed = false;
        hub.AsObservable().Subscribe(System.Reactive.Observer.Create<string>(late.Add, () => completed = true));

        early.Should().Equal("a", "b");
        late.Should().Equal("b");
        completed.Should().BeTrue();
    }

    [Fact]
    public void Values_published_from_inside_a_handler_are_delivered_after_the_current_one_in_order()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var first = new List<int>();
        var second = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(v =>
        {
            first.Add(v);
            if (v == 1)
            {
                hub.OnNext(2);
            }
        }));
        hub.AsObservable().Subscribe(Observer.Create<int>(second.Add));

        hub.OnNext(1);

        first.Should().Equal(1, 2);
        second.Should().Equal([1, 2], "the nested value waits until every observer had the first");
    }

    [Fact]
    public async Task Concurrent_publishers_never_call_an_observer_concurrently()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var inside = 0;
        var overlaps = 0;
        var count = 0;
        hub.AsObservable().Subscribe(Observer.Create<int>(_ =>
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Thread.SpinWait(200);
            count++;
            Interlocked.Decrement(ref inside);
        }));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                hub.OnNext(i);
            }
        })));

        overlaps.Should().Be(0);
        count.Should().Be(2000);
    }

    [Fact]
    public void Unsubscribed_observers_get_nothing_more()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var seen = new List<int>();
        var subscription = hub.AsObservable().Subscribe(Observer.Create<int>(seen.Add));

        hub.OnNext(1);
        subscription.Dispose();
        hub.OnNext(2);

        seen.Should().Equal(1);
    }

    [Fact]
    public void A_values_after_delivery_step_runs_once_every_observer_has_it_and_before_the_next_value()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var log = new List<string>();
        hub.AsObservable().Subscribe(Observer.Create<int>(v => log.Add($"a{v}")));
        hub.AsObservable().Subscribe(Observer.Create<int>(v => log.Add($"b{v}")));

        hub.Enqueue(1, v => log.Add($"after{v}")).Should().BeTrue();
        hub.Enqueue(2);
        hub.Drain();
        hub.OnCompleted();

        log.Should().Equal("a1", "b1", "after1", "a2", "b2");
        hub.Enqueue(3, v => log.Add($"after{v}")).Should().BeFalse("a completed hub queues nothing; the caller runs the step itself");
        log.Should().HaveCount(5);
    }

    [Fact]
    public async Task Values_queued_by_threads_racing_the_drainer_are_all_delivered_in_each_threads_order()
    {
        var hub = new EventHub<(int Thread, int Index)>(replayLatest: false, (_, _) => { });
        var last = new int[4];
        var outOfOrder = 0;
        var count = 0;
        hub.AsObservable().Subscribe(Observer.Create<(int Thread, int Index)>(v =>
        {
            if (v.Index != last[v.Thread] + 1)
            {
                outOfOrder++;
            }

            last[v.Thread] = v.Index;
            count++;
        }));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 1; i <= 5000; i++)
            {
                hub.Enqueue((t, i));
                hub.Drain();
            }
        })));

        count.Should().Be(20_000, "no value is left in the queue when a drainer finishes as another thread queues");
        outOfOrder.Should().Be(0);
    }

    [Fact]
    public void A_value_published_while_no_one_delivers_is_handed_over_without_the_queue()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var afters = new List<int>();

        for (var i = 0; i < 3; i++)
        {
            var published = hub.Publish(i, afters.Add);
            published.Should().Be(PublishResult.Claimed);
            hub.DeliverClaimed(published, i, afters.Add);
        }

        hub.HasQueue.Should().BeFalse("no value waited, so none was queued");
        afters.Should().Equal(0, 1, 2);
        hub.OnCompleted();
        hub.Publish(3).Should().Be(PublishResult.Completed);
    }

    [Fact]
    public async Task Values_published_under_the_callers_lock_are_delivered_in_that_locks_order_claimed_or_queued()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var (count, outOfOrder, overlapped) = await PublishFromFourThreadsUnderOneLockAsync(hub, first: 0, static (hub, value) => hub.Publish(value));

        count.Should().Be(20_000);
        outOfOrder.Should().Be(0, "each value was published after the one before it, under the lock");
        overlapped.Should().Be(0);
    }

    [Fact]
    public void A_value_published_from_inside_a_claimed_delivery_comes_after_it()
    {
        var hub = new EventHub<int>(replayLatest: false, (_, _) => { });
        var seen = new List<string>();
        hub.AsObservable().Subscribe(Observer.Create<int>(v =>
        {
            seen.Add("start " + v);
            if (v == 1)
            {
                var inner = hub.Publish(2);
                inner.Should().Be(PublishResult.Queued, "this thread is delivering");
                hub.DeliverClaimed(inner, 2, null);
            }

            seen.Add("end " + v);
        }));

        var published = hub.Publish(1);
        hub.DeliverClaimed(published, 1, null);

        seen.Should().Equal("start 1", "end 1", "start 2", "end 2");
    }

    [Fact]
    public void A_changed_value_published_while_no_one_delivers_is_handed_over_without_the_queue_and_replayed_later()
    {
        var hub = new EventHub<bool>(replayLatest: true, (_, _) => { }, hasInitial: true, false);

        var published = hub.PublishIfChanged(true);
        published.Should().Be(PublishResult.Claimed);
        hub.DeliverClaimed(published, true, null);
        hub.PublishIfChanged(true).Should().Be(PublishResult.Unchanged, "the value is the latest already");
        hub.HasQueue.Should().BeFalse("no value waited, so none was queued");

        var seen = new List<bool>();
        hub.AsObservable().Subscribe(Observer.Create<bool>(seen.Add));
        published = hub.PublishIfChanged(false);
        published.Should().Be(PublishResult.Claimed, "the subscription was served; nothing waits");
        hub.DeliverClaimed(published, false, null);
        hub.OnCompleted();

        seen.Should().Equal(true, false);
        hub.PublishIfChanged(true).Should().Be(PublishResult.Completed);
    }

    [Fact]
    public void A_changed_value_published_while_another_thread_delivers_is_queued_behind_and_delivered_by_it()
    {
        var hub = new EventHub<int>(replayLatest: true, (_, _) => { }, hasInitial: true, 0);
        var seen = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(v =>
        {
            seen.Add(v);
            if (v == 1)
            {
                // Published from inside the delivery of 1, as another thread would while this one delivers.
                var inner = hub.PublishIfChanged(2);
                inner.Should().Be(PublishResult.Queued, "this thread holds the delivery");
                hub.DeliverClaimed(inner, 2, null);
                seen.Add(-1);
            }
        }));

        var published = hub.PublishIfChanged(1);
        published.Should().Be(PublishResult.Claimed);
        hub.DeliverClaimed(published, 1, null);

        seen.Should().Equal(0, 1, -1, 2);
        var late = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(late.Add));
        late.Should().Equal(2);
    }

    [Fact]
    public async Task Changed_values_published_under_the_callers_lock_are_delivered_in_that_locks_order_claimed_or_queued()
    {
        var hub = new EventHub<int>(replayLatest: true, (_, _) => { }, hasInitial: true, -1);
        var (count, outOfOrder, overlapped) = await PublishFromFourThreadsUnderOneLockAsync(hub, first: -1, static (hub, value) => hub.PublishIfChanged(value));

        count.Should().Be(20_001, "the replayed initial value and every value published");
        outOfOrder.Should().Be(0, "each value was published after the one before it, under the lock");
        overlapped.Should().Be(0);
        var late = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(late.Add));
        late.Should().Equal(19_999);
    }

    // Four threads publish 0..19,999 under one lock of theirs and deliver after it; the subscriber counts the values, the
    // ones out of order (after the first it is handed) and the deliveries that overlapped.
    private static async Task<(int Count, int OutOfOrder, int Overlapped)> PublishFromFourThreadsUnderOneLockAsync(
        EventHub<int> hub, int first, Func<EventHub<int>, int, PublishResult> publish)
    {
        var gate = new object();
        var next = 0;
        var last = first - 1;
        var outOfOrder = 0;
        var count = 0;
        var concurrent = 0;
        var overlapped = 0;
        hub.AsObservable().Subscribe(Observer.Create<int>(v =>
        {
            if (Interlocked.Increment(ref concurrent) > 1)
            {
                overlapped++;
            }

            if (v != last + 1)
            {
                outOfOrder++;
            }

            last = v;
            count++;
            if (v % 1000 == 0)
            {
                Thread.Yield(); // a slow delivery now and then, so that others queue behind the one delivering
            }

            Interlocked.Decrement(ref concurrent);
        }));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                int value;
                PublishResult published;
                lock (gate)
                {
                    value = next++;
                    published = publish(hub, value);
                }

                hub.DeliverClaimed(published, value, null);
            }
        })));

        return (count, outOfOrder, overlapped);
    }

    [Fact]
    public async Task A_subscriber_served_behind_a_delivery_replays_the_value_delivered_before_it_and_gets_each_later_value_once()
    {
        var hub = new EventHub<int>(replayLatest: true, (_, _) => { }, hasInitial: true, 0);
        using var inFirstDelivery = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        hub.AsObservable().Subscribe(Observer.Create<int>(v =>
        {
            if (v == 1)
            {
                inFirstDelivery.Set();
                release.Wait(TimeSpan.FromSeconds(30));
            }
        }));

        // One thread delivers 1 and is held inside it; meanwhile a subscriber arrives and 2 is published behind it.
        var delivering = Task.Run(() => hub.DeliverClaimed(hub.PublishIfChanged(1), 1, null));
        inFirstDelivery.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();
        var late = new List<int>();
        hub.AsObservable().Subscribe(Observer.Create<int>(late.Add));
        hub.DeliverClaimed(hub.PublishIfChanged(2), 2, null);
        late.Should().BeEmpty("the subscription waits behind the delivery in progress");
        release.Set();
        await delivering;

        late.Should().Equal([1, 2], "its replay is the value delivered before it was served, and 2 reaches it once");
    }
}
