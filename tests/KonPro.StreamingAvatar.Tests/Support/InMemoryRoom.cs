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
    private readonly Subject<ReadOnlyMemory<byte>> _data = new();
    private readonly TaskCompletionSource _media = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Subject<ConnectionQuality> _quality = new();

    public List<string> Published { get; } = [];

    public bool Disposed { get; private set; }

    public IObservable<ReadOnlyMemory<byte>> DataMessages => _data;

    public Task MediaReady => _media.Task;

    public IObservable<ConnectionQuality> ConnectionQuality => _quality;

    public void SetMediaReady() => _media.TrySetResult();

    /// <summary>LiveKit measured the local participant's connection quality.</summary>
    public void SetQuality(ConnectionQuality quality) => _quality.OnNext(quality);

    public void Send(string json) => _data.OnNext(Encoding.UTF8.GetBytes(json));

    public void SendBytes(byte[] message) => _data.OnNext(message);

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

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _data.OnCompleted();
        return ValueTask.CompletedTask;
    }
}
