using System.Collections.Concurrent;

namespace KonPro.Streaming.Tests.Support;

/// <summary>Records what an observable delivers, and waits for what a test expects (bounded by a generous timeout).</summary>
internal sealed class EventRecorder<T> : IObserver<T>, IDisposable
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Done)> _waiters = [];
    private readonly IDisposable _subscription;

    public EventRecorder(IObservable<T> source) => _subscription = source.Subscribe(this);

    public IReadOnlyList<T> Items => [.. _items];

    public Task Completion => _completed.Task;

    public Task<T> WaitForAsync(Func<T, bool> match)
    {
        lock (_waiters)
        {
            foreach (var item in _items)
            {
                if (match(item))
                {
                    return Task.FromResult(item);
                }
            }

            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(FakeServerScope.Patience);
        }
    }

    public async Task<TEvent> WaitForAsync<TEvent>(Func<TEvent, bool>? match = null)
        where TEvent : T =>
        (TEvent)(await WaitForAsync(e => e is TEvent typed && (match is null || match(typed)))!)!;

    public Task WaitForCompletionAsync() => _completed.Task.WaitAsync(FakeServerScope.Patience);

    public void OnNext(T value)
    {
        lock (_waiters)
        {
            _items.Enqueue(value);
            foreach (var waiter in _waiters.ToArray())
            {
                if (waiter.Match(value))
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(value);
                }
            }
        }
    }

    public void OnError(Exception error) => _completed.TrySetException(error);

    public void OnCompleted() => _completed.TrySetResult();

    public void Dispose() => _subscription.Dispose();
}
