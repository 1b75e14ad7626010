using System.Buffers;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.LiveKit.Media;

/// <summary>
/// Hands media frames from the FFI dispatcher to subscribers without letting a slow subscriber hold up the room: no
/// subscriber runs on the dispatcher.
/// <list type="bullet">
/// <item>The dispatcher copies each frame into a pooled buffer and <see cref="Post"/>s it; it never waits.</item>
/// <item>A bounded queue of <c>capacity</c> frames sits between them; when it is full the oldest frame is dropped
/// (its buffer returned to the pool), counted in <see cref="Dropped"/> and logged (the first drop, then every power of
/// two). Audio is treated like video: audio that waits longer than the queue holds is too late to play, and waiting for
/// the subscriber would stall the dispatcher of every room.</item>
/// <item>One loop delivers the frames in order, so <c>OnNext</c> is never concurrent; the buffer goes back to the
/// pool when <c>OnNext</c> returns (subscribers borrow it).</item>
/// </list>
/// </summary>
internal sealed class MediaPump<TFrame, TSample> : IObservable<TFrame>
{
    private readonly Subject<TFrame> _subject = new();
    private readonly Channel<(TFrame Frame, TSample[] Buffer)> _queue;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _delivered;
    private long _dropped;

    public MediaPump(int capacity, ILogger logger, string kind = "media")
    {
        _logger = logger;
        _queue = Channel.CreateBounded<(TFrame Frame, TSample[] Buffer)>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped =>
            {
                var count = Interlocked.Increment(ref _dropped);
                ArrayPool<TSample>.Shared.Return(dropped.Buffer);
                if ((count & (count - 1)) == 0)
                {
                    // The first drop and then every power of two: never silent, never a flood.
                    Log.MediaDropped(_logger, kind, count);
                }
            });
        _loop = Task.Run(DeliverAsync);
    }

    /// <summary>Whether anyone listens (when nobody does, the dispatcher does not even copy frames).</summary>
    public bool HasObservers => _subject.HasObservers;

    /// <summary>Frames handed to subscribers.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Frames dropped because the subscribers were slower than the stream.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Rents a buffer for a frame's samples (returned by the pump).</summary>
    public static TSample[] Rent(int length) => ArrayPool<TSample>.Shared.Rent(length);

    /// <summary>Queues a frame whose data lives in <paramref name="buffer"/> (from <see cref="Rent"/>); never blocks.</summary>
    public void Post(TFrame frame, TSample[] buffer)
    {
        if (!_queue.Writer.TryWrite((frame, buffer)))
        {
            // Completed: the room is closing.
            ArrayPool<TSample>.Shared.Return(buffer);
        }
    }

    public IDisposable Subscribe(IObserver<TFrame> observer) => _subject.Subscribe(observer);

    /// <summary>Stops accepting frames, delivers the queued ones, and completes the stream.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        // Not disposed: a completed subject tells late subscribers it has completed.
        _subject.OnCompleted();
    }

    private async Task DeliverAsync()
    {
        await foreach (var (frame, buffer) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
#pragma warning disable CA1031 // one subscriber's fault must not end the stream for the others
            try
            {
                _subject.OnNext(frame);
                Interlocked.Increment(ref _delivered);
            }
            catch (Exception exception)
            {
                Log.MediaSubscriberThrew(_logger, exception);
            }
#pragma warning restore CA1031
            finally
            {
                ArrayPool<TSample>.Shared.Return(buffer);
            }
        }
    }
}
