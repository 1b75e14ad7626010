using System.Reactive.Subjects;

namespace KonPro.Streaming.LiveKit;

/// <summary>
/// A subject that keeps what arrives before its first subscriber and hands it to that subscriber first (the room's data
/// messages can arrive between joining and the session subscribing). After that it is a plain hot subject.
/// </summary>
internal sealed class BufferedSubject<T> : IObservable<T>
{
    private readonly Lock _gate = new();
    private readonly Subject<T> _subject = new();
    private List<T>? _early = [];
    private bool _completed;

    public void OnNext(T value)
    {
        lock (_gate)
        {
            if (_early is not null)
            {
                _early.Add(value);
                return;
            }
        }

        _subject.OnNext(value);
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
            if (_early is not null)
            {
                return;
            }
        }

        _subject.OnCompleted();
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        List<T>? early;
        bool completed;
        IDisposable subscription;
        lock (_gate)
        {
            early = _early;
            _early = null;
            completed = _completed;
            // Flushed under the gate so nothing that arrives meanwhile overtakes the early messages.
            foreach (var value in early ?? [])
            {
                observer.OnNext(value);
            }

            subscription = _subject.Subscribe(observer);
        }

        if (completed && early is not null)
        {
            _subject.OnCompleted();
        }

        return subscription;
    }
}
