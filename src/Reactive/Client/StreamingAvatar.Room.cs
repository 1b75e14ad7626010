using KonPro.StreamingAvatar.Events;
using KonPro.StreamingAvatar.Voice;

namespace KonPro.StreamingAvatar;

public partial class StreamingAvatar
{
    private PushAudioSource? _roomMicrophoneFeed;
    private IAsyncDisposable? _roomMicrophone;

    /// <summary>
    /// The session's joined LiveKit room: the avatar's video and audio frames, its tracks, connection quality and media
    /// counters. Null without a <see cref="StreamingAvatarOptions.RoomConnector"/>, and before the session connected or
    /// after it closed.
    /// </summary>
    public virtual IAvatarRoom? Room
    {
        get
        {
            lock (_gate)
            {
                return _room;
            }
        }
    }

    /// <summary>Raises <see cref="ConnectionQualityChanged"/> from the room's connection quality.</summary>
    private IDisposable SubscribeRoomQuality(IAvatarRoom room) => room.ConnectionQuality.Subscribe(new DelegateObserver<ConnectionQuality>(quality =>
    {
        string? sessionId;
        lock (_gate)
        {
            sessionId = _session?.SessionId;
        }

        Ingest(new ConnectionQualityChanged { SessionId = sessionId, ReceivedAt = _time.GetUtcNow(), Quality = quality }, EventChannel.Client);
    }));

    /// <summary>The room's own disconnect reason, mapped, with the raw reason in the description.</summary>
    private static ChatChannelStatus.Closed RoomClosedStatus(IAvatarRoom? room) => room?.Disconnection is { } disconnection
        ? new ChatChannelStatus.Closed(disconnection.Reason, CloseStatus: null, Description: "room_closed: " + disconnection.RawReason)
        : new ChatChannelStatus.Closed(KonPro.StreamingAvatar.DisconnectReason.ServerClosed, CloseStatus: null, Description: "room_closed");

    /// <summary>
    /// With a joined room and the LiveKit voice-chat transport, the user's audio goes to a microphone track in the room
    /// instead of the chat socket: returns what the voice-chat pump sends through, or null to use the socket.
    /// </summary>
    private async Task<Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>?> StartRoomMicrophoneAsync(CancellationToken cancellationToken)
    {
        IAvatarRoom? room;
        lock (_gate)
        {
            room = _request?.VoiceChatTransport == VoiceChatTransport.LiveKit ? _room : null;
        }

        if (room is null)
        {
            return null;
        }

        var feed = new PushAudioSource();
        var track = await room.PublishMicrophoneAsync(feed, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _roomMicrophoneFeed = feed;
            _roomMicrophone = track;
        }

        return (chunk, _) =>
        {
            feed.Push(chunk.Span);
            return ValueTask.CompletedTask;
        };
    }

    private async Task StopRoomMicrophoneAsync()
    {
        PushAudioSource? feed;
        IAsyncDisposable? track;
        lock (_gate)
        {
            feed = _roomMicrophoneFeed;
            track = _roomMicrophone;
            _roomMicrophoneFeed = null;
            _roomMicrophone = null;
        }

        feed?.Complete();
        if (track is not null)
        {
            await track.DisposeAsync().ConfigureAwait(false);
        }

        if (feed is not null)
        {
            await feed.DisposeAsync().ConfigureAwait(false);
        }
    }
}
