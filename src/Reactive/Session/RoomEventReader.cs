using System.Threading.Channels;
using KonPro.Streaming.Events;
using KonPro.Streaming.Rooms;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Session;

/// <summary>
/// The room's side of the ingest step, beside the room subscription. What the room delivers (data messages, connection
/// quality, its end) is only queued on the room's thread; one loop of this reader's own takes it from the queue in
/// order, parses the avatar's data messages into events (the name in <c>type</c>), and hands the parsed events to
/// <see cref="EventIngest"/>, as the chat socket hands it the events it parsed. Another participant's message is that
/// participant's data (<see cref="EventIngest.ParticipantData"/>), never read as an event.
/// </summary>
/// <remarks>
/// The room's thread is the connector's, a thread the SDK does not own (LiveKit's room delivers from an event loop of its
/// own, which drops the oldest data messages once 1,024 wait). Because this reader only queues on it, no subscriber of the
/// session's streams runs there, and a subscriber that blocks holds up this loop, not the room's, so the room never drops
/// an event for a slow subscriber of the session. The end of the room is queued behind the messages before it, so it is
/// seen after them.
/// </remarks>
internal sealed class RoomEventReader : IDisposable
{
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly EventIngest _ingest;
    private readonly string? _sessionId;
    private readonly ReceiveClock _clock;
    private readonly StreamingEventParserCache _parserCache; // only the loop parses
    private readonly ILogger _logger;
    private readonly System.Diagnostics.Metrics.Counter<long>? _refused;
    private readonly Action<Exception?> _onEnded;
    private readonly Action<bool>? _onAvatarMedia;
    private readonly IDisposable _subscriptions;
    private readonly HashSet<string> _avatarTracks = new(StringComparer.Ordinal); // only the loop reads and writes it
    private bool _ended; // only the loop reads and writes it
    private bool _muted; // only the loop reads and writes it

    private RoomEventReader(IAvatarRoom room, string? sessionId, EventIngest ingest, TimeProvider time, ILogger logger, System.Diagnostics.Metrics.Counter<long>? refused, Action<Exception?> onEnded, Action<bool>? onAvatarMedia)
    {
        _ingest = ingest;
        _sessionId = sessionId;

        // The session's spoken task ids, shared with the chat socket's parser (ChatSocketOptions.SpokenTaskIds).
        _parserCache = new StreamingEventParserCache(ingest.Speaks.Spoken);
        _clock = new ReceiveClock(time);
        _logger = logger;
        _refused = refused;
        _onEnded = onEnded;
        _onAvatarMedia = onAvatarMedia;
        Loop = Task.Run(ReadAsync);
        var data = room.DataMessages.Subscribe(
            message => _queue.Writer.TryWrite(Item.Data(message, _clock.Now())),
            error => _queue.Writer.TryWrite(Item.Ended(error)),
            () => _queue.Writer.TryWrite(Item.Ended(null)));
        var quality = room.ConnectionQuality.Subscribe(q => _queue.Writer.TryWrite(Item.Quality(q, _clock.Now())));
        var tracks = onAvatarMedia is null
            ? System.Reactive.Disposables.Disposable.Empty
            : room.Tracks.Subscribe(track => _queue.Writer.TryWrite(Item.TrackChanged(track)), static _ => { });
        _subscriptions = new System.Reactive.Disposables.CompositeDisposable(data, quality, tracks);
    }

    /// <summary>The reader's loop: it ends once the reader is disposed and what was queued before is handled.</summary>
    internal Task Loop { get; }

    /// <summary>
    /// Subscribes to <paramref name="room"/>'s data messages and connection quality and starts the loop that hands them
    /// to <paramref name="ingest"/>; <paramref name="onEnded"/> runs on that loop when the room's data stream ends (with
    /// its error, if any). <paramref name="onAvatarMedia"/>, when given, runs on that loop when the avatar's tracks are all
    /// gone (false: each one subscribed has been unsubscribed, as when the avatar leaves the room) and when one is subscribed
    /// again after that (true); being on the loop, it comes after every data message the room delivered before the change.
    /// </summary>
    public static RoomEventReader Start(
        IAvatarRoom room,
        string? sessionId,
        EventIngest ingest,
        TimeProvider time,
        ILogger logger,
        System.Diagnostics.Metrics.Counter<long>? refused,
        Action<Exception?> onEnded,
        Action<bool>? onAvatarMedia = null) =>
        new(room, sessionId, ingest, time, logger, refused, onEnded, onAvatarMedia);

    /// <summary>Stops listening to the room; what was queued before is still handled (the ingest step drops it once the session is closed).</summary>
    public void Dispose()
    {
        _subscriptions.Dispose();
        _queue.Writer.TryComplete();
    }

    /// <summary>
    /// From the moment the loop reaches this request, it hands nothing more to the ingest step (what was queued before is
    /// handed on first) but still reports the room's end; completes once the loop is there (or at once when disposed).
    /// </summary>
    public Task StopIngestingAsync()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(Item.Mute(reached)) ? reached.Task : Task.CompletedTask;
    }

    private async Task ReadAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Handle(item);
        }
    }

    private void Handle(Item item)
    {
        if (_muted && item.Kind is ItemKind.Data or ItemKind.Quality)
        {
            return;
        }

        switch (item.Kind)
        {
            case ItemKind.Data:
                Read(item.Message!, item.At);
                break;
            case ItemKind.Quality:
                _ingest.Ingest(new ConnectionQualityChanged { SessionId = _sessionId, ReceivedAt = item.At.UtcDateTime, Quality = item.ConnectionQuality }, EventChannel.Client);
                break;
            case ItemKind.Track:
                OnTrack(item.Track!);
                break;
            case ItemKind.Mute:
                _muted = true;
                item.Reached!.TrySetResult();
                break;
            case ItemKind.Ended when !_ended:
                _ended = true;
                _onEnded(item.Error);
                break;
        }
    }

    // The avatar's media is there while one of its tracks is subscribed; the change either way is reported once.
    private void OnTrack(AvatarRoomTrack track)
    {
        if (track.Subscribed)
        {
            if (_avatarTracks.Add(track.TrackSid) && _avatarTracks.Count == 1)
            {
                _onAvatarMedia!(true);
            }
        }
        else if (_avatarTracks.Remove(track.TrackSid) && _avatarTracks.Count == 0)
        {
            _onAvatarMedia!(false);
        }
    }

    private void Read(AvatarRoomDataMessage data, ReceiveStamp receivedAt)
    {
        if (data.Sender is not (AvatarRoomDataSender.Avatar or AvatarRoomDataSender.Server))
        {
            Log.ParticipantData(_logger, data.ParticipantIdentity ?? string.Empty, data.Topic, data.Payload.Length);
            _ingest.ParticipantData.OnNext(data with { SessionId = _sessionId, ReceivedAt = receivedAt.UtcDateTime });
            return;
        }

        if (Parse(data.Payload.Span, receivedAt) is { } evt)
        {
            _ingest.Ingest(evt, EventChannel.Room);
        }
    }

    // The parser never throws (StreamingEventParser.Parse; fuzzed), so a message is an event, refused or malformed.
    private StreamingEvent? Parse(ReadOnlySpan<byte> message, ReceiveStamp receivedAt)
    {
        switch (StreamingEventParser.Parse(message, StreamingEventParser.DataChannelNameProperty, _sessionId, receivedAt, _parserCache, out var evt, out var clientEventName))
        {
            case WireParseResult.Event:
                return evt;
            case WireParseResult.ClientEventName:
                // Named like an event only the SDK raises: not that event, never delivered; logged and counted.
                Log.RefusedClientEventName(_logger, clientEventName!, "room");
                KonProTelemetry.CountRefused(_refused, "room", clientEventName!);
                return null;
            default:
                Log.MalformedRoomMessage(_logger, message.Length);
                return null;
        }
    }

    private enum ItemKind
    {
        Data,
        Quality,
        Track,
        Mute,
        Ended,
    }

    private readonly record struct Item(ItemKind Kind, AvatarRoomDataMessage? Message, ConnectionQuality ConnectionQuality, ReceiveStamp At, Exception? Error, AvatarRoomTrack? Track = null, TaskCompletionSource? Reached = null)
    {
        public static Item Data(AvatarRoomDataMessage message, ReceiveStamp at) => new(ItemKind.Data, message, default, at, null);

        public static Item Quality(ConnectionQuality quality, ReceiveStamp at) => new(ItemKind.Quality, null, quality, at, null);

        public static Item TrackChanged(AvatarRoomTrack track) => new(ItemKind.Track, null, default, default, null, track);

        public static Item Mute(TaskCompletionSource reached) => new(ItemKind.Mute, null, default, default, null, Reached: reached);

        public static Item Ended(Exception? error) => new(ItemKind.Ended, null, default, default, error);
    }
}
