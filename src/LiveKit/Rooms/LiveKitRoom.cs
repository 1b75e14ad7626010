using System.Runtime.InteropServices;
using System.Text;
using KonPro.Streaming.LiveKit.Media;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Proto;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.LiveKit;

/// <summary>
/// A joined LiveKit room on the FFI. Room, stream and frame events arrive on the FFI client's dispatcher (one thread at a
/// time), which only copies and queues them: the room's events go on to their subscribers through a
/// <see cref="RoomEventQueue"/>, media through <see cref="MediaPump{TFrame,TSample}"/>s, each on a loop of its own, so no
/// subscriber of the room runs on the dispatcher or holds it up. Every handle it receives is owned once and
/// dropped when no longer needed or on <see cref="DisposeAsync"/>, which leaves the room, completes every stream and
/// releases the FFI lease (the server then stays up for <see cref="LiveKitRoomOptions.FfiServerIdleTimeout"/>).
/// </summary>
internal sealed partial class LiveKitRoom : IAvatarRoom
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(5);

    private readonly FfiClient _ffi;
    private readonly LiveKitRoomOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _mediaReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RoomEventQueue _events;
    private readonly AvatarParticipant _avatar;
    private readonly MediaPump<AvatarVideoFrame, byte> _video;
    private readonly MediaPump<AvatarAudioFrame, short> _audio;
    private readonly Dictionary<string, FfiHandle> _remoteTracks = new(StringComparer.Ordinal);
    private readonly List<LiveKitMicrophone> _microphones = [];
    private FfiHandle? _room;
    private FfiHandle? _localParticipant;
    private string _localIdentity = string.Empty;
    private FfiHandle? _videoStream;
    private FfiHandle? _audioStream;
    private string? _videoTrackSid;
    private string? _audioTrackSid;
    private AvatarRoomDisconnect? _disconnection;
    private bool _closed;
    private Task? _disposal;

    internal LiveKitRoom(FfiClient ffi, LiveKitRoomOptions options, ILogger logger)
    {
        _ffi = ffi;
        _options = options;
        _logger = logger;
        _avatar = new AvatarParticipant(options.AvatarIdentity);
        _events = new RoomEventQueue(logger);
        _video = new MediaPump<AvatarVideoFrame, byte>(options.VideoQueueFrames, logger, "video");
        _audio = new MediaPump<AvatarAudioFrame, short>(options.AudioQueueFrames, logger, "audio");
    }

    /// <inheritdoc />
    public IObservable<AvatarRoomDataMessage> DataMessages => _events.DataMessages;

    /// <summary>The avatar's participant identity, once known (see <see cref="AvatarParticipant"/>).</summary>
    internal string? AvatarIdentity => _avatar.Identity;

    /// <inheritdoc />
    public Task MediaReady => _mediaReady.Task;

    /// <inheritdoc />
    public IObservable<AvatarVideoFrame> VideoFrames => _video;

    /// <inheritdoc />
    public IObservable<AvatarAudioFrame> AudioFrames => _audio;

    /// <inheritdoc />
    public IObservable<AvatarRoomTrack> Tracks => _events.Tracks;

    /// <inheritdoc />
    public IObservable<ConnectionQuality> ConnectionQuality => _events.ConnectionQuality;

    /// <inheritdoc />
    public AvatarRoomStatistics Statistics => new(_video.Delivered, _video.Dropped, _audio.Delivered, _audio.Dropped);

    /// <inheritdoc />
    public AvatarRoomDisconnect? Disconnection
    {
        get
        {
            lock (_gate)
            {
                return _disconnection;
            }
        }
    }

    /// <summary>The FFI handles this room holds now (the room, its local participant, tracks and streams).</summary>
    internal int HandleCount
    {
        get
        {
            lock (_gate)
            {
                return (_room is null ? 0 : 1) + (_localParticipant is null ? 0 : 1) + _remoteTracks.Count
                    + (_videoStream is null ? 0 : 1) + (_audioStream is null ? 0 : 1) + _microphones.Sum(m => m.HandleCount);
            }
        }
    }

    // Signalling v0 (`<url>/rtc`, a publisher and a subscriber peer connection), as livekit-client joins by default. The
    // core's own default in the livekit-ffi releases this repository ships tries the single-peer-connection path
    // (`<url>/rtc/v1`) first and, where a server does not serve it (404), joins again at `/rtc`: that detour cost 200-330
    // ms of every join under load (the core's logs: the v1 upgrade refused in 1-5 ms, the fallback's attempt logged
    // 200-330 ms later; docs/benchmarks.md).
    internal static FfiRequest NewConnect(string url, string token, LiveKitRoomOptions options) => new()
    {
        Connect = new ConnectRequest
        {
            Url = url,
            Token = token,
            Options = new RoomOptions
            {
                AutoSubscribe = true,
                AdaptiveStream = false,
                Dynacast = false,
                JoinRetries = options.JoinRetries,
                SinglePeerConnection = false,
            },
        },
    };

    /// <summary>Joins the room; completes when the FFI reports the result.</summary>
    internal async Task ConnectAsync(string url, string token, CancellationToken cancellationToken)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ffi.Request(
            NewConnect(url, token, _options),
            r => r.Connect.AsyncId,
            evt => OnConnected(evt, url, token, joined));
        using var registration = cancellationToken.Register(() => joined.TrySetCanceled(cancellationToken));
        await joined.Task.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task PublishAsync(string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var local = RequireOpen(nameof(PublishAsync));
        var bytes = Encoding.UTF8.GetBytes(message);
        var pin = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            var result = await _ffi.RequestAsync(
                new FfiRequest
                {
                    PublishData = new PublishDataRequest
                    {
                        LocalParticipantHandle = local,
                        DataPtr = (ulong)pin.AddrOfPinnedObject(),
                        DataLen = (ulong)bytes.Length,
                        Reliable = true,
                    },
                },
                r => r.PublishData.AsyncId,
                cancellationToken).ConfigureAwait(false);
            if (result.PublishData.HasError)
            {
                throw new LiveKitNativeException("Publishing on the room's data channel failed: " + result.PublishData.Error);
            }
        }
        finally
        {
            pin.Free();
        }
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable> PublishMicrophoneAsync(IAudioSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var local = RequireOpen(nameof(PublishMicrophoneAsync));
        var microphone = new LiveKitMicrophone(_ffi, local, source, _logger, Forget);
        lock (_gate)
        {
            _microphones.Add(microphone);
        }

        try
        {
            await microphone.PublishAsync(cancellationToken).ConfigureAwait(false);
            return microphone;
        }
        catch
        {
            await microphone.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Leaves the room (if still in it), drops every handle, completes every stream; idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposal ??= DisposeCoreAsync();
            return new ValueTask(_disposal);
        }
    }

    private async Task DisposeCoreAsync()
    {
        // Never on the dispatcher: leaving waits for an event the dispatcher delivers.
        await Task.Yield();
        LiveKitMicrophone[] microphones;
        lock (_gate)
        {
            microphones = [.. _microphones];
        }

        foreach (var microphone in microphones)
        {
            await microphone.DisposeAsync().ConfigureAwait(false);
        }

        FfiHandle? room;
        bool stillIn;
        lock (_gate)
        {
            room = _room;
            stillIn = room is not null && _disconnection is null;
        }

        if (stillIn)
        {
            try
            {
                using var timeout = new CancellationTokenSource(LeaveTimeout);
                await _ffi.RequestAsync(new FfiRequest { Disconnect = new DisconnectRequest { RoomHandle = room!.Id } }, r => r.Disconnect.AsyncId, timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // leaving is best effort; the handles are dropped next either way
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.LeaveFailed(_logger, exception.Message);
            }

            lock (_gate)
            {
                _disconnection ??= LiveKitReasons.Map(Proto.DisconnectReason.ClientInitiated);
            }
        }

        List<FfiHandle> handles;
        lock (_gate)
        {
            _closed = true;
            if (_room is not null)
            {
                _ffi.Unroute(_room.Id);
            }

            if (_videoStream is not null)
            {
                _ffi.Unroute(_videoStream.Id);
            }

            if (_audioStream is not null)
            {
                _ffi.Unroute(_audioStream.Id);
            }

            handles = [.. new[] { _videoStream, _audioStream }.OfType<FfiHandle>(), .. _remoteTracks.Values, .. new[] { _localParticipant, _room }.OfType<FfiHandle>()];
            _videoStream = _audioStream = _localParticipant = _room = null;
            _remoteTracks.Clear();
        }

        foreach (var handle in handles)
        {
            handle.Dispose();
        }

        _mediaReady.TrySetCanceled();
        await _video.CompleteAsync().ConfigureAwait(false);
        await _audio.CompleteAsync().ConfigureAwait(false);
        await _events.CompleteAsync().ConfigureAwait(false);
        if (Disconnection is { } disconnection)
        {
            Log.RoomLeft(_logger, disconnection.Reason, disconnection.RawReason);
        }

        _ffi.Release(_options.FfiServerIdleTimeout, _options.SchedulerOrDefault);
    }

    private ulong RequireOpen(string operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposal is not null, this);
            if (_localParticipant is null || _disconnection is not null)
            {
                throw new InvalidOperationException($"{operation} needs a joined room; it has {(_disconnection is null ? "not joined yet" : "closed")}.");
            }

            return _localParticipant.Id;
        }
    }

    private void Forget(LiveKitMicrophone microphone)
    {
        lock (_gate)
        {
            _microphones.Remove(microphone);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"LiveKitRoom {{ Identity = {_localIdentity} }}";
}
