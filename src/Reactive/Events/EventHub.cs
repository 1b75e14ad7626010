using System.Collections.Concurrent;

namespace KonPro.Streaming.Events;

/// <summary>
/// A hot, multicast stream that never lets one subscriber hurt another: values are delivered in the order they
/// were published, one at a time (never concurrently: a publisher that finds another delivering queues its value
/// and the delivering thread drains it), and an observer that throws is reported and skipped, not removed.
/// Optionally replays its latest value to each new subscriber. Completing it completes every observer, and
/// later subscribers get the completion (after the last value, when it replays).
/// </summary>
/// <remarks>
/// A value's way through takes no lock: the queue is a <see cref="ConcurrentQueue{T}"/> and one flag, set and cleared
/// with interlocked operations, says who drains it. The gate guards only what changes rarely (the observers, the
/// latest value of a replaying hub, completion), and a replaying hub's values.
/// </remarks>
internal sealed class EventHub<T>
{
    // A SpinLock without owner tracking rather than a Lock: what it guards is a few reads and writes, a push onto the
    // queue, or a copy of the observers' array, and nothing under it calls out (observers, works and the error callback
    // all run outside it), so no thread ever enters it twice. The talking flags' hubs take it for every event that
    // changes a flag; uncontended it enters and leaves in about half a Lock's time, without the Lock's thread-static
    // read of the owner (docs/benchmarks.md, issue 22 item 5, fourth pass). A mutable struct: never copied, never readonly.
    private SpinLock _gate = new(enableThreadOwnerTracking: false);
    // Values travel without a closure (Work is null; After, when set, runs once every observer has the value);
    // subscriptions and completion carry their work.
    // Made with the first value or work queued: a hub that never carries one (a chat-only session's room data, the
    // flags of a session that has not spoken yet) keeps none; a ConcurrentQueue starts with a 32-slot segment (about
    // 1.3 KB here), and every session has six hubs.
    private ConcurrentQueue<Pending>? _pending;
    private readonly bool _replayLatest;
    private readonly Action<Exception, T?> _onObserverError;
    private IObserver<T>[] _observers = [];
    private int _draining;
    private volatile bool _completed;
    private bool _hasLatest;
    private bool _completionDelivered;
    // The latest value published (what a change is judged against) and the latest delivered (what a subscription is
    // replayed when it is served). They differ while a value waits in the queue: a subscription served ahead of it
    // replays the one before and then gets it once, as every other observer does. Only the thread holding the draining
    // flag writes the delivered value and serves subscriptions, so it needs no gate.
    private T _latest = default!;
    private bool _hasDelivered;
    private T _delivered = default!;

    public EventHub(bool replayLatest, Action<Exception, T?> onObserverError, bool hasInitial = false, T initial = default!)
    {
        _replayLatest = replayLatest;
        _onObserverError = onObserverError;
        _hasLatest = hasInitial;
        _latest = initial;
        _hasDelivered = hasInitial;
        _delivered = initial;
    }

    public bool IsCompleted => _completed;

    /// <summary>Whether the hub has made its queue (it does with the first value or work queued).</summary>
    internal bool HasQueue => Volatile.Read(ref _pending) is not null;

    // How many values and works wait in the queue: raised after each enqueue, lowered after each dequeue (by the
    // drainer only). Looking at it is one read where asking the queue whether it is empty walks its segment; the hot
    // path looks twice an event (Publish, then the drainer after letting go of the flag). A value enqueued but not yet
    // counted is found as before: its publisher then tries for the flag, and whoever holds it looks again after letting go.
    private int _queued;

    private ConcurrentQueue<Pending> Queue =>
        Volatile.Read(ref _pending) ?? Interlocked.CompareExchange(ref _pending, new ConcurrentQueue<Pending>(), null) ?? _pending;

    private void Push(Pending pending)
    {
        Queue.Enqueue(pending);
        Interlocked.Increment(ref _queued);
    }

    public IObservable<T> AsObservable() => new HubObservable(this);

    public void OnNext(T value)
    {
        Enqueue(value);
        Drain();
    }

    /// <summary>
    /// Publishes <paramref name="value"/> in the caller's order (taken under the caller's lock, as <see cref="Enqueue"/>
    /// is), without the queue when it can: when no thread is delivering and nothing waits, the caller becomes the
    /// deliverer (<see cref="PublishResult.Claimed"/>) and must call <see cref="DeliverClaimed"/> (outside its lock) with the
    /// same value; a value published by another thread meanwhile is queued behind it and delivered by that call, so the
    /// order stays the order of the calls. Otherwise the value is queued (<see cref="PublishResult.Queued"/>: call
    /// <see cref="Drain"/>), or the hub has completed (<see cref="PublishResult.Completed"/>: nothing happened). For
    /// hubs that do not replay.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="afterDelivery">Runs with the value on the delivering thread once every observer has it, before the next value.</param>
    /// <returns>What the caller must do next.</returns>
    public PublishResult Publish(T value, Action<T>? afterDelivery = null)
    {
        if (_replayLatest)
        {
            return Enqueue(value, afterDelivery) ? PublishResult.Queued : PublishResult.Completed;
        }

        if (_completed)
        {
            return PublishResult.Completed;
        }

        return ClaimOrQueue(value, afterDelivery);
    }

    // Whoever sets the draining flag delivers: with nothing queued the caller delivers the value itself (Claimed).
    // Otherwise values wait (a drainer let go of the flag and is about to look again): this one goes behind them, and
    // this caller, holding the flag, delivers them all (QueuedAndClaimed); or another thread is delivering (Queued).
    private PublishResult ClaimOrQueue(T value, Action<T>? afterDelivery)
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            if (Volatile.Read(ref _queued) == 0)
            {
                return PublishResult.Claimed;
            }

            Push(new Pending(value, null, afterDelivery));
            return PublishResult.QueuedAndClaimed;
        }

        Push(new Pending(value, null, afterDelivery));
        return PublishResult.Queued;
    }

    /// <summary>
    /// Delivers the value <see cref="Publish"/> claimed delivery of (<paramref name="claimed"/> is
    /// <see cref="PublishResult.Claimed"/>: <paramref name="value"/> first; <see cref="PublishResult.QueuedAndClaimed"/>:
    /// it is in the queue), then whatever was queued behind it, and lets go of the draining flag as <see cref="Drain"/> does.
    /// </summary>
    /// <param name="claimed">What <see cref="Publish"/> returned.</param>
    /// <param name="value">The value published.</param>
    /// <param name="afterDelivery">The same callback as given to <see cref="Publish"/>.</param>
    public void DeliverClaimed(PublishResult claimed, T value, Action<T>? afterDelivery)
    {
        switch (claimed)
        {
            case PublishResult.Claimed:
                Run(new Pending(value, null, afterDelivery));
                DrainHeld();
                break;
            case PublishResult.QueuedAndClaimed:
                DrainHeld();
                break;
            case PublishResult.Queued:
                Drain();
                break;
        }
    }

    /// <summary>
    /// Queues <paramref name="value"/> without delivering it; call <see cref="Drain"/> (outside any lock) to deliver.
    /// Callers that publish from several threads keep their order under a lock of their own.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="afterDelivery">Runs with the value on the delivering thread once every observer has it, before the next value.</param>
    /// <returns><see langword="false"/> when the hub has completed: nothing was queued (the caller runs <paramref name="afterDelivery"/> itself).</returns>
    public bool Enqueue(T value, Action<T>? afterDelivery = null)
    {
        if (!_replayLatest)
        {
            if (_completed)
            {
                return false;
            }

            // Racing OnCompleted, a value may land behind the completion: it then reaches no observer (they are gone).
            Push(new Pending(value, null, afterDelivery));
            return true;
        }

        using (new SpinLockHeld(ref _gate))
        {
            if (_completed)
            {
                return false;
            }

            _latest = value;
            _hasLatest = true;
            Push(new Pending(value, null, afterDelivery));
            return true;
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> to run on the delivering thread once every value queued before it has been
    /// delivered to every observer; call <see cref="Drain"/> (outside any lock) to run it.
    /// </summary>
    /// <returns><see langword="false"/> when the hub has completed: nothing was queued and the caller runs the work itself.</returns>
    public bool EnqueueAfterDelivery(Action work)
    {
        using (new SpinLockHeld(ref _gate))
        {
            if (_completed)
            {
                return false;
            }

            Push(new Pending(default!, work, null));
            return true;
        }
    }

    /// <summary>Publishes <paramref name="value"/> only when it differs from the latest one.</summary>
    public bool OnNextIfChanged(T value)
    {
        var changed = EnqueueIfChanged(value);
        Drain();
        return changed;
    }

    /// <summary>
    /// Publishes <paramref name="value"/> only when it differs from the latest one, as <see cref="Publish"/> does: in the
    /// caller's order (taken under the caller's lock), and without the queue when no thread is delivering and nothing
    /// waits (<see cref="PublishResult.Claimed"/>: the caller delivers it with <see cref="DeliverClaimed"/>, outside its
    /// lock). For replaying hubs too: the value becomes the latest here, so a subscription served after it replays it (or
    /// a later one), as when it goes through the queue.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <returns>What the caller must do next; <see cref="PublishResult.Unchanged"/> or <see cref="PublishResult.Completed"/>: nothing.</returns>
    public PublishResult PublishIfChanged(T value)
    {
        using (new SpinLockHeld(ref _gate))
        {
            if (_completed)
            {
                return PublishResult.Completed;
            }

            if (_hasLatest && EqualityComparer<T>.Default.Equals(_latest, value))
            {
                return PublishResult.Unchanged;
            }

            if (_replayLatest)
            {
                _latest = value;
                _hasLatest = true;
            }

            // As Publish. Everything that queues work for this hub (a subscription, the completion, another value)
            // counts it under this gate or under the caller's lock before trying for the flag, so a count of zero here
            // means nothing is owed a place ahead of this value.
            return ClaimOrQueue(value, afterDelivery: null);
        }
    }

    /// <summary>Queues <paramref name="value"/> only when it differs from the latest one; call <see cref="Drain"/> to deliver.</summary>
    public bool EnqueueIfChanged(T value)
    {
        using (new SpinLockHeld(ref _gate))
        {
            if (_completed || (_hasLatest && EqualityComparer<T>.Default.Equals(_latest, value)))
            {
                return false;
            }

            if (_replayLatest)
            {
                _latest = value;
                _hasLatest = true;
            }

            Push(new Pending(value, null, null));
            return true;
        }
    }

    public void OnCompleted()
    {
        using (new SpinLockHeld(ref _gate))
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            Push(new Pending(default!, () =>
            {
                IObserver<T>[] observers;
                using (new SpinLockHeld(ref _gate))
                {
                    observers = _observers;
                    _observers = [];
                    _completionDelivered = true;
                }

                foreach (var observer in observers)
                {
                    try
                    {
                        observer.OnCompleted();
                    }
#pragma warning disable CA1031 // one observer's failure must not stop the others
                    catch (Exception exception)
#pragma warning restore CA1031
                    {
                        _onObserverError(exception, default);
                    }
                }
            }, null));
        }

        Drain();
    }

    private IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(this, observer);
        using (new SpinLockHeld(ref _gate))
        {
            Push(new Pending(default!, () =>
            {
                if (subscription.IsDisposed)
                {
                    return;
                }

                bool completed;
                bool hasLatest;
                T latest;
                using (new SpinLockHeld(ref _gate))
                {
                    // Completion was delivered before this subscription was served: replay, then complete.
                    completed = _completionDelivered;
                    hasLatest = _replayLatest && _hasDelivered;
                    latest = _delivered;
                    if (!completed)
                    {
                        _observers = [.. _observers, observer];
                    }
                }

                if (hasLatest)
                {
                    Safe(observer, latest);
                }

                if (completed)
                {
                    try
                    {
                        observer.OnCompleted();
                    }
#pragma warning disable CA1031 // a subscriber's failure is reported, never thrown at the publisher
                    catch (Exception exception)
#pragma warning restore CA1031
                    {
                        _onObserverError(exception, default);
                    }
                }
            }, null));
        }

        Drain();
        return subscription;
    }

    private void Deliver(T value)
    {
        // The array is copy-on-write (replaced under the gate, never changed in place), so the hot path needs no lock.
        foreach (var observer in Volatile.Read(ref _observers))
        {
            Safe(observer, value);
        }
    }

    private void Safe(IObserver<T> observer, T value)
    {
        try
        {
            observer.OnNext(value);
        }
#pragma warning disable CA1031 // a subscriber's failure is reported, never thrown at the publisher
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _onObserverError(exception, value);
        }
    }

    /// <summary>
    /// Delivers what is queued, unless another thread (or an observer of this one, publishing from its handler) is
    /// delivering already: that one delivers it. Lock-free: whoever sets the draining flag drains; after clearing it,
    /// the drainer looks once more, so a value queued while it was finishing is never left behind.
    /// </summary>
    public void Drain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            DrainHeld();
        }
    }

    // Drains while this thread holds the draining flag; lets go of it and looks once more (see Drain).
    private void DrainHeld()
    {
        do
        {
            while (Volatile.Read(ref _queued) != 0 && Volatile.Read(ref _pending)!.TryDequeue(out var next))
            {
                Interlocked.Decrement(ref _queued);
                Run(next);
            }

            // A full fence: the look below cannot move ahead of the release, so a publisher that found the flag set
            // has queued and counted its value where this look sees it.
            Interlocked.Exchange(ref _draining, 0);
            if (Volatile.Read(ref _queued) == 0)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _draining, 1, 0) == 0);
    }

    private void Run(Pending next)
    {
        if (next.Work is { } work)
        {
            try
            {
                work();
            }
#pragma warning disable CA1031 // work that throws (a handle's step, a subscription) is reported; the queue behind it still drains
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _onObserverError(exception, default);
            }

            return;
        }

        if (_replayLatest)
        {
            _delivered = next.Value;
            _hasDelivered = true;
        }

        Deliver(next.Value);
        if (next.After is { } after)
        {
            try
            {
                after(next.Value);
            }
#pragma warning disable CA1031 // as for work: reported, and the queue behind it still drains
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _onObserverError(exception, default);
            }
        }
    }

    private void Unsubscribe(IObserver<T> observer)
    {
        using (new SpinLockHeld(ref _gate))
        {
            var index = Array.IndexOf(_observers, observer);
            if (index >= 0)
            {
                var copy = new List<IObserver<T>>(_observers);
                copy.RemoveAt(index);
                _observers = [.. copy];
            }
        }
    }

    private readonly record struct Pending(T Value, Action? Work, Action<T>? After);

    private sealed class HubObservable(EventHub<T> hub) : IObservable<T>
    {
        public IDisposable Subscribe(IObserver<T> observer) => hub.Subscribe(observer);
    }

    private sealed class Subscription(EventHub<T> hub, IObserver<T> observer) : IDisposable
    {
        private int _disposed;

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                hub.Unsubscribe(observer);
            }
        }
    }
}

/// <summary>What <see cref="EventHub{T}.Publish"/> did, and so what its caller does next.</summary>
internal enum PublishResult
{
    /// <summary>The hub has completed: nothing was published.</summary>
    Completed,

    /// <summary>
    /// Nothing was published: the value is the latest one (<see cref="EventHub{T}.PublishIfChanged"/>). Also what a caller
    /// that published nothing keeps: <see cref="EventHub{T}.DeliverClaimed"/> does nothing with it.
    /// </summary>
    Unchanged,

    /// <summary>Queued behind another thread's delivery: call <see cref="EventHub{T}.Drain"/>.</summary>
    Queued,

    /// <summary>Not queued: this caller delivers it, with <see cref="EventHub{T}.DeliverClaimed"/>.</summary>
    Claimed,

    /// <summary>Queued behind values that wait, and this caller delivers them all, with <see cref="EventHub{T}.DeliverClaimed"/>.</summary>
    QueuedAndClaimed,
}
