using System.Reactive.Linq;
using KonPro.StreamingAvatar.Realtime;
using Microsoft.Extensions.Logging;

namespace KonPro.StreamingAvatar;

/// <summary>
/// Adapts the realtime layer's <see cref="ChatSocket"/> (receive loop, reconnects, frame encoding) to the facade's
/// <see cref="IChatChannel"/>. Malformed messages become log lines; the socket itself never faults its streams.
/// </summary>
internal sealed class ChatSocketChannel : IChatChannel
{
    private readonly ChatSocket _socket;
    private readonly IDisposable _diagnostics;

    public ChatSocketChannel(ChatSocketOptions options, ILogger logger)
    {
        _socket = new ChatSocket(options);
        Status = _socket.Status
            .Select(Map)
            .Where(s => s is not null)
            .Select(s => s!);
        _diagnostics = _socket.Diagnostics.Subscribe(
            d => Log.MalformedMessage(logger, $"{d.Kind} message of {d.Length} bytes"),
            _ => { },
            () => { });
    }

    public IObservable<StreamingEvent> Events => _socket.Events;

    public IObservable<ChatChannelStatus> Status { get; }

    public Task ConnectAsync(CancellationToken cancellationToken) => _socket.ConnectAsync(cancellationToken);

    public Task SendTextAsync(string text, CancellationToken cancellationToken) => _socket.SendTextAsync(text, cancellationToken).AsTask();

    public Task SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) => _socket.SendAudioAsync(pcm, cancellationToken).AsTask();

    public Task CloseAsync(CancellationToken cancellationToken) => _socket.DisposeAsync().AsTask().WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _socket.DisposeAsync().ConfigureAwait(false);
        _diagnostics.Dispose();
    }

    private static ChatChannelStatus? Map(ChatSocketStatus status) => status switch
    {
        ChatSocketStatus.Open open => new ChatChannelStatus.Open(open.Reconnected),
        ChatSocketStatus.Reconnecting r => new ChatChannelStatus.Reconnecting(r.Attempt, r.Reason, r.CloseStatus),
        ChatSocketStatus.Closed c => new ChatChannelStatus.Closed(c.Reason, c.CloseStatus, c.Description),
        _ => null,
    };
}
