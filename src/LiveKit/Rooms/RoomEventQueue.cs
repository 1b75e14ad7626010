using System.Reactive.Subjects;
using System.Threading.Channels;
using KonPro.Streaming.Rooms;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.LiveKit;

/// <summary>
/// Hands the room's own events (data messages, track changes, connection quality, media ready, the room's end) from the
/// FFI dispatcher to their subscribers on one loop of its own, so that no subscriber of <see cref="IAvatarRoom"/> runs on
/// the dispatcher and a slow one never holds it up. The media frames have loops of their own
/// (<see cref="Media.MediaPump{TFrame,TSample}"/>).
/// <list type="bullet">
/// <item>The dispatcher only queues (<c>Post…</c>); it never waits and never runs a subscriber.</item>
/// <item>One loop delivers in the order the room reported, so <c>OnNext</c> is never concurrent and the room's end
/// follows the messages before it.</item>
/// <item>Memory is bounded: at most <c>dataCapacity</c> data messages wait; beyond that the oldest waiting one is dropped,
/// counted (<see cref="DroppedDataMessages"/>) and logged. A connection quality that waits is replaced by the newer one
/// (only the latest matters). Track changes, media ready and the end are never dropped (a handful per room).</item>
/// </list>
/// </summary>
internal sealed class RoomEventQueue
{
    /// <summary>The data messages that may wait for a slow subscriber before the oldest is dropped.</summary>
    internal const int DefaultDataCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly LinkedList<Delivery> _queue = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly BufferedSubject<AvatarRoomDataMessage> _data = new();
    private readonly ReplaySubject<AvatarRoomTrack> _tracks = new();
    private readonly BehaviorSubject<ConnectionQuality> _quality = new(KonPro.Streaming.ConnectionQuality.Unknown);
    private readonly int _dataCapacity;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private LinkedListNode<Delivery>? _waitingQuality;
    private int _waitingData;
    private long _droppedData;
    private bool _completed;
    private int _deliveringThread;

    public RoomEventQueue(ILogger logger, int dataCapacity = DefaultDataCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dataCapacity, 1);
        _logger = logger;
        _dataCapacity = dataCapacity;
        _loop = Task.Run(RunAsync);
    }

    private enum Kind
    {
        Data,
        Track,
        Quality,
        Ready,
        DataEnd,
        Complete,
    }

    /// <summary>The data channel's messages; subscribers run on the queue's loop.</summary>
    public IObservable<AvatarRoomDataMessage> DataMessages => _data;

    /// <summary>The avatar's tracks as they change; each subscriber first gets those so far.</summary>
    public IObservable<AvatarRoomTrack> Tracks => _tracks;

    /// <summary>The local participant's connection quality; each subscriber first gets the latest.</summary>
    public IObservable<ConnectionQuality> ConnectionQuality => _quality;

    /// <summary>Data messages dropped because the subscribers were too slow for <c>dataCapacity</c> of them to wait.</summary>
    public long DroppedDataMessages => Interlocked.Read(ref _droppedData);

    /// <summary>Queues a data message; drops the oldest waiting one when <c>dataCapacity</c> wait. Never blocks.</summary>
    public void PostData(AvatarRoomDataMessage message)
    {
        long dropped = 0;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (_waitingData == _dataCapacity)
            {
                for (var node = _queue.First; node is not null; node = node.Next)
                {
                    if (node.Value.Kind == Kind.Data)
                    {
                        _queue.Remove(node);
                        _waitingData--;
                        dropped = Interlocked.Increment(ref _droppedData);
                        break;
                    }
                }
            }

            _queue.AddLast(new Delivery(Kind.Data, message));
            _waitingData++;
        }

        if (dropped != 0 && (dropped & (dropped - 1)) == 0)
        {
            // The first drop and then every power of two: a stuck subscriber is reported without flooding the log.
            Log.RoomDataDropped(_logger, dropped, _dataCapacity);
        }

        Wake();
    }

    /// <summary>Queues a track change.</summary>
    public void PostTrack(AvatarRoomTrack track) => Post(new Delivery(Kind.Track, Track: track));

    /// <summary>Queues a connection quality, replacing one that still waits.</summary>
    public void PostQuality(ConnectionQuality quality)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (_waitingQuality is { } waiting)
            {
                waiting.Value = waiting.Value with { Quality = quality };
                return;
            }

            _waitingQuality = _queue.AddLast(new Delivery(Kind.Quality, Quality: quality));
        }

        Wake();
    }

    /// <summary>Completes <paramref name="ready"/> once everything queued before (the track changes) was delivered.</summary>
    public void PostReady(TaskCompletionSource ready) => Post(new Delivery(Kind.Ready, Ready: ready));

    /// <summary>Queues the end of the data messages (the room closed), behind the messages before it.</summary>
    public void PostDataEnd() => Post(new Delivery(Kind.DataEnd));

    /// <summary>
    /// Delivers what waits, completes every stream and stops the loop. Awaited from anywhere but the loop itself (a
    /// subscriber that disposes the room from its <c>OnNext</c> does not wait for its own return).
    /// </summary>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            if (!_completed)
            {
                _completed = true;
                _queue.AddLast(new Delivery(Kind.Complete));
            }
        }

        _wake.Writer.TryComplete();
        return Volatile.Read(ref _deliveringThread) == Environment.CurrentManagedThreadId ? Task.CompletedTask : _loop;
    }

    private void Post(Delivery delivery)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _queue.AddLast(delivery);
        }

        Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task RunAsync()
    {
        while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _wake.Reader.TryRead(out _);
            DeliverWaiting();
        }

        DeliverWaiting();
    }

    private void DeliverWaiting()
    {
        while (true)
        {
            Delivery delivery;
            lock (_gate)
            {
                if (_queue.First is not { } first)
                {
                    return;
                }

                _queue.RemoveFirst();
                delivery = first.Value;
                if (first == _waitingQuality)
                {
                    _waitingQuality = null;
                }
                else if (delivery.Kind == Kind.Data)
                {
                    _waitingData--;
                }
            }

            Deliver(delivery);
        }
    }

    private void Deliver(in Delivery delivery)
    {
        Volatile.Write(ref _deliveringThread, Environment.CurrentManagedThreadId);
#pragma warning disable CA1031 // one subscriber's fault must not end the room's streams for the others
        try
        {
            switch (delivery.Kind)
            {
                case Kind.Data:
                    _data.OnNext(delivery.Data!);
                    break;
                case Kind.Track:
                    _tracks.OnNext(delivery.Track!);
                    break;
                case Kind.Quality:
                    _quality.OnNext(delivery.Quality);
                    break;
                case Kind.Ready:
                    delivery.Ready!.TrySetResult();
                    break;
                case Kind.DataEnd:
                    _data.OnCompleted();
                    break;
                default:
                    Complete(_data.OnCompleted);
                    Complete(_tracks.OnCompleted);
                    Complete(_quality.OnCompleted);
                    break;
            }
        }
        catch (Exception exception)
        {
            Log.RoomSubscriberThrew(_logger, exception, delivery.Kind.ToString());
        }
        finally
        {
            Volatile.Write(ref _deliveringThread, 0);
        }
    }

    // Each stream completes even when a subscriber of another throws on its completion.
    private void Complete(Action complete)
    {
        try
        {
            complete();
        }
        catch (Exception exception)
        {
            Log.RoomSubscriberThrew(_logger, exception, nameof(Kind.Complete));
        }
    }
#pragma warning restore CA1031

    private readonly record struct Delivery(
        Kind Kind,
        AvatarRoomDataMessage? Data = null,
        AvatarRoomTrack? Track = null,
        ConnectionQuality Quality = default,
        TaskCompletionSource? Ready = null);
}
