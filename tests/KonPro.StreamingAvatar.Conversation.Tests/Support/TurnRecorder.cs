using System.Collections.Concurrent;

namespace KonPro.Streaming.Conversation.Tests.Support;

/// <summary>Records what an observable delivers and waits (bounded) for a count of items.</summary>
internal sealed class Recorder<T> : IObserver<T>, IDisposable
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly IDisposable _subscription;

    public Recorder(IObservable<T> source) => _subscription = source.Subscribe(this);

    public IReadOnlyList<T> Items => [.. _items];

    public bool IsCompleted { get; private set; }

    public async Task<IReadOnlyList<T>> WaitForAsync(Func<IReadOnlyList<T>, bool> condition)
    {
        await Loopback.UntilAsync(() => condition(Items));
        return Items;
    }

    public void OnNext(T value) => _items.Enqueue(value);

    public void OnError(Exception error) => throw new InvalidOperationException("The stream faulted.", error);

    public void OnCompleted() => IsCompleted = true;

    public void Dispose() => _subscription.Dispose();
}
