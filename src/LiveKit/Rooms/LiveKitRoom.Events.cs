using KonPro.Streaming.LiveKit.Media;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Proto;
using KonPro.Streaming.Rooms;

namespace KonPro.Streaming.LiveKit;

// The FFI events of the room, its streams and frames. All run on the FFI client's dispatcher, one at a time; they only
// copy what they need and queue it (RoomEventQueue, MediaPump): no subscriber of the room runs here.
internal sealed partial class LiveKitRoom
{
    private void OnConnected(FfiEvent evt, string url, string token, TaskCompletionSource joined)
    {
        if (evt.MessageCase == FfiEvent.MessageOneofCase.Panic)
        {
            joined.TrySetException(new LiveKitNativeException("LiveKit's native core panicked while joining: " + evt.Panic.Message));
            return;
        }

        var callback = evt.Connect;
        if (callback.MessageCase != ConnectCallback.MessageOneofCase.Result)
        {
            // The native error may quote a URL that carries the token (LiveKit's validate request): never pass it on.
            var error = callback.HasError ? callback.Error.Replace(token, "***", StringComparison.Ordinal) : "no result";
            joined.TrySetException(new LiveKitNativeException("Joining the LiveKit room failed: " + error));
            return;
        }

        var result = callback.Result;
        foreach (var participant in result.Participants)
        {
            _ffi.Own(participant.Participant?.Handle).Dispose();
            foreach (var publication in participant.Publications)
            {
                OnTrackPublished(participant.Participant?.Info?.Identity, publication.Info);
                _ffi.Own(publication.Handle).Dispose();
            }
        }

        lock (_gate)
        {
            if (_disposal is not null)
            {
                // Cancelled or disposed while joining: nobody will use this room. The core still waits for the ready
                // signal; without it, it would close the room after 15 s with a panic event that fails every room.
                SendReadyForRoomEvents(result.Room?.Handle?.Id ?? 0);
                _ffi.Own(result.Room?.Handle).Dispose();
                _ffi.Own(result.LocalParticipant?.Handle).Dispose();
                joined.TrySetCanceled();
                return;
            }

            _room = _ffi.Own(result.Room?.Handle);
            _localParticipant = _ffi.Own(result.LocalParticipant?.Handle);
            _localIdentity = result.LocalParticipant?.Info?.Identity ?? string.Empty;
            // Routed before this handler returns, so the dispatcher hands the room's next event to this room; only
            // then does the core start sending them.
            _ffi.Route(_room.Id, OnRoomEvent);
            SendReadyForRoomEvents(_room.Id);
        }

        Log.RoomJoined(_logger, result.Room?.Info?.Name ?? string.Empty, url, _localIdentity);
        joined.TrySetResult();
    }

    // livekit-ffi holds a room's events back until the client says it listens (ReadyForRoomEventRequest, a synchronous
    // request that only signals the room's task: safe on the dispatcher).
    private void SendReadyForRoomEvents(ulong roomHandle)
    {
        if (roomHandle != 0)
        {
            _ffi.Request(new FfiRequest { ReadyForRoomEvent = new ReadyForRoomEventRequest { RoomHandle = roomHandle } });
        }
    }

    private void OnRoomEvent(FfiEvent evt)
    {
        if (evt.MessageCase == FfiEvent.MessageOneofCase.Panic)
        {
            OnClosedByRoom(Proto.DisconnectReason.UnknownReason);
            return;
        }

        var roomEvent = evt.RoomEvent;
        switch (roomEvent.MessageCase)
        {
            case RoomEvent.MessageOneofCase.TrackSubscribed:
                OnTrackSubscribed(roomEvent.TrackSubscribed);
                break;
            case RoomEvent.MessageOneofCase.TrackUnsubscribed:
                OnTrackUnsubscribed(roomEvent.TrackUnsubscribed);
                break;
            case RoomEvent.MessageOneofCase.DataPacketReceived when roomEvent.DataPacketReceived.User is { } user:
                OnData(user, roomEvent.DataPacketReceived.HasParticipantIdentity ? roomEvent.DataPacketReceived.ParticipantIdentity : null);
                break;
            case RoomEvent.MessageOneofCase.TrackPublished:
                OnTrackPublished(roomEvent.TrackPublished.ParticipantIdentity, roomEvent.TrackPublished.Publication?.Info);
                _ffi.DropOwnedHandles(roomEvent);
                break;
            case RoomEvent.MessageOneofCase.ConnectionQualityChanged
                when roomEvent.ConnectionQualityChanged.ParticipantIdentity == _localIdentity:
                _events.PostQuality(LiveKitReasons.Map(roomEvent.ConnectionQualityChanged.Quality));
                break;
            case RoomEvent.MessageOneofCase.Disconnected:
                OnClosedByRoom(roomEvent.Disconnected.Reason);
                break;
            case RoomEvent.MessageOneofCase.Eos:
                OnClosedByRoom(Proto.DisconnectReason.UnknownReason);
                break;
            default:
                _ffi.DropOwnedHandles(roomEvent);
                break;
        }
    }

    private void OnTrackSubscribed(TrackSubscribed subscribed)
    {
        var track = _ffi.Own(subscribed.Track?.Handle);
        var info = subscribed.Track?.Info;
        var sid = info?.Sid ?? string.Empty;
        var kind = info?.Kind == TrackKind.KindVideo ? AvatarTrackKind.Video : AvatarTrackKind.Audio;
        bool ready;
        lock (_gate)
        {
            if (_closed || _remoteTracks.ContainsKey(sid))
            {
                track.Dispose();
                return;
            }

            _remoteTracks[sid] = track;
            if (kind == AvatarTrackKind.Video && _videoStream is null)
            {
                var response = _ffi.RequestAndRoute(
                    NewVideoStream(track.Id, _options),
                    r => r.NewVideoStream.Stream.Handle.Id,
                    OnVideoEvent);
                _videoStream = _ffi.Own(response.NewVideoStream.Stream.Handle);
                _videoTrackSid = sid;
            }
            else if (kind == AvatarTrackKind.Audio && _audioStream is null)
            {
                var response = _ffi.RequestAndRoute(
                    NewAudioStream(track.Id, _options),
                    r => r.NewAudioStream.Stream.Handle.Id,
                    OnAudioEvent);
                _audioStream = _ffi.Own(response.NewAudioStream.Stream.Handle);
                _audioTrackSid = sid;
            }

            ready = _videoStream is not null && _audioStream is not null;
        }

        Log.TrackSubscribed(_logger, kind.ToString(), sid, subscribed.ParticipantIdentity);
        _events.PostTrack(new AvatarRoomTrack(subscribed.ParticipantIdentity, sid, kind, Subscribed: true));
        if (ready)
        {
            // Behind the track changes, as before: whoever awaits it has seen them.
            _events.PostReady(_mediaReady);
        }
    }

    // The core keeps a receive queue of its own before a frame reaches the FFI callback (since the livekit-ffi releases
    // after 0.12.49 for audio, 0.12.51 for video; by default 1 video frame and 10 audio frames, oldest dropped,
    // uncounted). It gets the same bounds as this room's queues, so the options decide how much backlog the path may
    // hold (the core's queue was unbounded before).
    internal static FfiRequest NewVideoStream(ulong trackHandle, LiveKitRoomOptions options) => new()
    {
        NewVideoStream = new NewVideoStreamRequest
        {
            TrackHandle = trackHandle,
            Type = VideoStreamType.VideoStreamNative,
            Format = VideoBufferType.Rgba,
            NormalizeStride = true,
            QueueSizeFrames = (uint)options.VideoQueueFrames,
        },
    };

    internal static FfiRequest NewAudioStream(ulong trackHandle, LiveKitRoomOptions options) => new()
    {
        NewAudioStream = new NewAudioStreamRequest
        {
            TrackHandle = trackHandle,
            Type = AudioStreamType.AudioStreamNative,
            SampleRate = (uint)options.AudioSampleRate,
            NumChannels = (uint)options.AudioChannels,
            QueueSizeFrames = (uint)options.AudioQueueFrames,
        },
    };

    private void OnTrackUnsubscribed(TrackUnsubscribed unsubscribed)
    {
        FfiHandle? track;
        FfiHandle? stream = null;
        AvatarTrackKind kind;
        lock (_gate)
        {
            _remoteTracks.Remove(unsubscribed.TrackSid, out track);
            kind = unsubscribed.TrackSid == _videoTrackSid ? AvatarTrackKind.Video : AvatarTrackKind.Audio;
            if (unsubscribed.TrackSid == _videoTrackSid)
            {
                (stream, _videoStream, _videoTrackSid) = (_videoStream, null, null);
            }
            else if (unsubscribed.TrackSid == _audioTrackSid)
            {
                (stream, _audioStream, _audioTrackSid) = (_audioStream, null, null);
            }
        }

        if (stream is not null)
        {
            _ffi.Unroute(stream.Id);
            stream.Dispose();
        }

        track?.Dispose();
        if (track is not null)
        {
            _events.PostTrack(new AvatarRoomTrack(unsubscribed.ParticipantIdentity, unsubscribed.TrackSid, kind, Subscribed: false));
        }
    }

    // The avatar is learnt from the tracks the room announces, before that participant's data can arrive.
    private void OnTrackPublished(string? participantIdentity, TrackPublicationInfo? publication)
    {
        if (_avatar.OnTrackPublished(participantIdentity, publication?.Kind == TrackKind.KindVideo))
        {
            Log.AvatarParticipant(_logger, participantIdentity!);
        }
    }

    private unsafe void OnData(UserPacket user, string? senderIdentity)
    {
        using var buffer = _ffi.Own(user.Data?.Handle);
        var info = user.Data?.Data;
        if (info is null || info.DataLen > int.MaxValue)
        {
            return;
        }

        var bytes = new ReadOnlySpan<byte>((void*)info.DataPtr, (int)info.DataLen).ToArray();
        var sender = _avatar.Classify(senderIdentity);
        _events.PostData(new AvatarRoomDataMessage(bytes, sender, string.IsNullOrEmpty(senderIdentity) ? null : senderIdentity, user.HasTopic ? user.Topic : null));
    }

    private void OnClosedByRoom(Proto.DisconnectReason reason)
    {
        lock (_gate)
        {
            if (_disconnection is not null)
            {
                return;
            }

            _disconnection = LiveKitReasons.Map(reason);
        }

        // The session learns of it through the data stream's completion (then it stops and disposes this room), queued
        // behind the messages before it.
        _events.PostDataEnd();
    }

    private unsafe void OnVideoEvent(FfiEvent evt)
    {
        if (evt.VideoStreamEvent?.FrameReceived is not { } frame)
        {
            return;
        }

        using var buffer = _ffi.Own(frame.Buffer?.Handle);
        var info = frame.Buffer?.Info;
        if (info is null || !_video.HasObservers)
        {
            return;
        }

        var width = (int)info.Width;
        var height = (int)info.Height;
        var stride = info.HasStride && info.Stride > 0 ? (int)info.Stride : info.Components.Count > 0 ? (int)info.Components[0].Stride : width * 4;
        var pointer = info.DataPtr != 0 ? info.DataPtr : info.Components.Count > 0 ? info.Components[0].DataPtr : 0;
        var size = stride * height;
        if (pointer == 0 || size <= 0)
        {
            return;
        }

        var pixels = MediaPump<AvatarVideoFrame, byte>.Rent(size);
        new ReadOnlySpan<byte>((void*)pointer, size).CopyTo(pixels);
        _video.Post(new AvatarVideoFrame(width, height, stride, TimeSpan.FromMicroseconds(frame.TimestampUs), AvatarVideoFormat.Rgba32, pixels.AsMemory(0, size)), pixels);
    }

    private unsafe void OnAudioEvent(FfiEvent evt)
    {
        if (evt.AudioStreamEvent?.FrameReceived is not { } received)
        {
            return;
        }

        using var buffer = _ffi.Own(received.Frame?.Handle);
        var info = received.Frame?.Info;
        if (info is null || !_audio.HasObservers)
        {
            return;
        }

        var count = (int)(info.SamplesPerChannel * info.NumChannels);
        if (info.DataPtr == 0 || count <= 0)
        {
            return;
        }

        var samples = MediaPump<AvatarAudioFrame, short>.Rent(count);
        new ReadOnlySpan<short>((void*)info.DataPtr, count).CopyTo(samples);
        _audio.Post(new AvatarAudioFrame((int)info.SampleRate, (int)info.NumChannels, (int)info.SamplesPerChannel, samples.AsMemory(0, count)), samples);
    }
}
