namespace KonPro.Streaming.Realtime;

/// <summary>
/// The chat socket's transport stream, as the default connector opens it: passes everything through and reports
/// each read that brought bytes, so that every frame from the server (a pong too, which never surfaces as a message)
/// tells the chat socket's silence watchdog that the server is alive.
/// </summary>
/// <remarks>
/// On a connection of the shared handler the stream is opened before anyone knows which socket it will carry (see
/// <see cref="ClientWebSocketConnector"/>): a read made while <see cref="Listener"/> holds a listener (the handshake's
/// reads, in the flow of the connect that sends it) makes that listener the stream's, and it stays the stream's for
/// the reads after the upgrade, which its socket's receive loop makes outside any connect.
/// </remarks>
/// <param name="inner">The connection's network stream; the stream owns it.</param>
/// <param name="heard">The listener from the start (a handler of one socket's own), or null until a handshake's read sets it.</param>
internal sealed class HeardStream(Stream inner, Action? heard) : Stream
{
    /// <summary>The listener of the connect whose handshake is in flight in this flow, or null outside a connect.</summary>
    internal static readonly AsyncLocal<Action?> Listener = new();

    private Action? _heard = heard;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Heard(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Heard(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Heard(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Heard(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private int Heard(int read)
    {
        if (Listener.Value is { } listener)
        {
            _heard = listener;
        }

        if (read > 0)
        {
            _heard?.Invoke();
        }

        return read;
    }
}
