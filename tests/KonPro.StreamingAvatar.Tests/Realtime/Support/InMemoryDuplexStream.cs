using System.Threading.Channels;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>One end of an in-memory, bidirectional byte pipe (what a TCP connection is to a WebSocket).</summary>
internal sealed class InMemoryDuplexStream : Stream
{
    private readonly ChannelReader<byte[]> _input;
    private readonly ChannelWriter<byte[]> _output;
    private readonly CancellationTokenSource _disposed = new();
    private ReadOnlyMemory<byte> _pending;

    private InMemoryDuplexStream(ChannelReader<byte[]> input, ChannelWriter<byte[]> output)
    {
        _input = input;
        _output = output;
    }

    public static (InMemoryDuplexStream Client, InMemoryDuplexStream Server) CreatePair()
    {
        var toServer = Channel.CreateUnbounded<byte[]>();
        var toClient = Channel.CreateUnbounded<byte[]>();
        return (new InMemoryDuplexStream(toClient.Reader, toServer.Writer), new InMemoryDuplexStream(toServer.Reader, toClient.Writer));
    }

    /// <summary>Ends the connection without a close handshake: the peer reads end-of-stream.</summary>
    public void Abort() => _output.TryComplete();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pending.IsEmpty)
        {
            // Like a socket, disposing this end ends a read that is waiting on it (a WebSocket's Abort disposes its
            // stream, and the receive under way must fail then, not wait for the peer).
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            bool more;
            try
            {
                more = await _input.WaitToReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException("The connection was closed locally.");
            }

            if (!more)
            {
                return 0;
            }

            if (_input.TryRead(out var chunk))
            {
                _pending = chunk;
            }
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // A write after the connection ended is lost, like on a dead TCP connection.
        _output.TryWrite(buffer.ToArray());
        return ValueTask.CompletedTask;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _output.TryComplete();
            _disposed.Cancel();
        }

        base.Dispose(disposing);
    }
}
