namespace KonPro.Streaming.Events;

/// <summary>
/// A hot, multicast stream that never lets one subscriber hurt another: values are delivered in the order they
/// were published, one at a time (never concurrently: a publisher that finds another delivering queues its value
/// and the delivering thread drains it), and an observer that throws is reported and skipped, not removed.
/// Optionally replays its latest value to each new subscriber. Completing it completes every observer, and
/// later subscribers get the completion (after the last value, when it replays).
/// </summary>
internal sealed class EventHub<T>
{
    private readonly Lock _gate = new();
    // Values travel without a closure (Action is null); subscriptions and completion carry their work.
    private readonly Queue<(T Value, Action? Work)> _pending = new();
    private readonly bool _replayLatest;
    private readonly Action<Exception, T?> _onObserverError;
    private IObserver<T>[] _observers = [];
    private bool _draining;
    private bool _completed;
    private bool _hasLatest;
    private bool _completionDelivered;
    private T _latest = default!;

    public EventHub(bool replayLatest, Action<Exception, T?> onObserverError, bool hasInitial = false, T initial = default!)
    {
        _replayLatest = replayLatest;
        _onObserverError = onObserverError;
        _hasLatest = hasInitial;
        _latest = initial;
    }

    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    public IObservable<T> AsObservable() => new HubObservable(this);

    public void OnNext(T value)
    {
        Enqueue(value);
        Drain();
    }

    /// <summary>Queues <paramref name="value"/> without delivering it; call <see cref="Drain"/> (outside any lock) to deliver.</summary>
    public void Enqueue(T value)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (_replayLatest)
            {
                _latest = value;
                _hasLatest = true;
            }

            _pending.Enqueue((value, null));
        }
    }

    /// <summary>
    /// Queues <paramref name="work"/> to run on the delivering thread once every value queued before it has been
    /// delivered to every observer; call <see cref="Drain"/> (outside any lock) to run it.
    /// </summary>
    /// <returns><see langword="false"/> when the hub has completed: nothing was queued and the caller runs the work itself.</returns>
    public bool EnqueueAfterDelivery(Action work)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            _pending.Enqueue((default!, work));
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

    /// <summary>Queues <paramref name="value"/> only when it differs from the latest one; call <see cref="Drain"/> to deliver.</summary>
    public bool EnqueueIfChanged(T value)
    {
        lock (_gate)
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

            _pending.Enqueue((value, null));
            return true;
        }
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _pending.Enqueue((default!, () =>
            {
                IObserver<T>[] observers;
                lock (_gate)
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
            }));
        }

        Drain();
    }

    private IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new Subscription(this, observer);
        lock (_gate)
        {
            _pending.Enqueue((default!, () =>
            {
                if (subscription.IsDisposed)
                {
                    return;
                }

                bool completed;
                bool hasLatest;
                T latest;
                lock (_gate)
                {
                    // Completion was delivered before this subscription was served: replay, then complete.
                    completed = _completionDelivered;
                    hasLatest = _replayLatest && _hasLatest;
                    latest = _latest;
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
            }));
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

    public void Drain()
    {
        lock (_gate)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        while (true)
        {
            (T Value, Action? Work) next;
            lock (_gate)
            {
                if (!_pending.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }
            }

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
            }
            else
            {
                Deliver(next.Value);
            }
        }
    }

    private void Unsubscribe(IObserver<T> observer)
    {
        lock (_gate)
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
