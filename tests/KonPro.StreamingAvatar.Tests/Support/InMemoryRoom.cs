using System.Reactive.Subjects;
using System.Text;

namespace KonPro.Streaming.Tests.Support;

/// <summary>A room connector the test drives: data-channel messages are pushed by hand, media readiness is a switch.</summary>
internal sealed class InMemoryRoomConnector : IAvatarRoomConnector
{
    public InMemoryRoom Room { get; } = new();

    public AvatarRoomConnectRequest? Request { get; private set; }

    public Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default)
    {
        Request = request;
        return Task.FromResult<IAvatarRoom>(Room);
    }
}

internal sealed class InMemoryRoom : IAvatarRoom
{
    private readonly Subject<AvatarRoomDataMessage> _data = new();
    private readonly TaskCompletionSource _media = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Subject<ConnectionQuality> _quality = new();
    private readonly ReplaySubject<AvatarRoomTrack> _tracks = new();

    public List<string> Published { get; } = [];

    public bool Disposed { get; private set; }

    public IObservable<AvatarRoomDataMessage> DataMessages => _data;

    public Task MediaReady => _media.Task;

    public IObservable<ConnectionQuality> ConnectionQuality => _quality;

    public IObservable<AvatarRoomTrack> Tracks => _tracks;

    /// <summary>The avatar's video and audio tracks are subscribed (as when it joins and publishes them).</summary>
    public void SubscribeAvatarTracks()
    {
        _tracks.OnNext(new AvatarRoomTrack("avatar", "TR_video", AvatarTrackKind.Video, Subscribed: true));
        _tracks.OnNext(new AvatarRoomTrack("avatar", "TR_audio", AvatarTrackKind.Audio, Subscribed: true));
    }

    /// <summary>The avatar leaves the room: its tracks are unsubscribed (the room itself has not ended yet).</summary>
    public void AvatarLeaves()
    {
        _tracks.OnNext(new AvatarRoomTrack("avatar", "TR_video", AvatarTrackKind.Video, Subscribed: false));
        _tracks.OnNext(new AvatarRoomTrack("avatar", "TR_audio", AvatarTrackKind.Audio, Subscribed: false));
    }

    public void SetMediaReady() => _media.TrySetResult();

    /// <summary>The room ends on the server's side (as LiveKit's <c>ROOM_DELETED</c> after a stop): its data stream completes.</summary>
    public void End() => _data.OnCompleted();

    /// <summary>LiveKit measured the local participant's connection quality.</summary>
    public void SetQuality(ConnectionQuality quality) => _quality.OnNext(quality);

    /// <summary>The avatar's participant publishes <paramref name="json"/>.</summary>
    public void Send(string json) => _data.OnNext(new AvatarRoomDataMessage(Encoding.UTF8.GetBytes(json), AvatarRoomDataSender.Avatar, "avatar"));

    public void SendBytes(byte[] message) => _data.OnNext(new AvatarRoomDataMessage(message, AvatarRoomDataSender.Avatar, "avatar"));

    public void SendMessage(AvatarRoomDataMessage message) => _data.OnNext(message);

    /// <summary>Anyone in the room publishes <paramref name="json"/>, as the connector classified the sender.</summary>
    public void SendFrom(AvatarRoomDataSender sender, string? identity, string json, string? topic = null) =>
        _data.OnNext(new AvatarRoomDataMessage(Encoding.UTF8.GetBytes(json), sender, identity, topic));

    /// <summary>The room ends on its own (the server closed it).</summary>
    public void Close() => _data.OnCompleted();

    public Task PublishAsync(string message, CancellationToken cancellationToken = default)
    {
        lock (Published)
        {
            Published.Add(message);
        }

        return Task.CompletedTask;
    }

    /// <summary>What leaving the room throws, if anything (after it counts as disposed).</summary>
    public Exception? DisposeFailure { get; set; }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _data.OnCompleted();
        return DisposeFailure is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
    }
}
