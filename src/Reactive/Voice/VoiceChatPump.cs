using System.Reactive.Concurrency;
using KonPro.Streaming.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Voice;

/// <summary>
/// Moves audio from an <see cref="IAudioSource"/> to the chat socket: reads 512-sample (1,024-byte) chunks,
/// paces a source that is not real-time at one chunk per 32 ms on the injected scheduler, and hands each
/// chunk to the send delegate. While muted it still reads (and discards) the source and sends chunks of
/// zeros, as the protocol asks. One loop, so sends never overlap.
/// </summary>
internal sealed class VoiceChatPump : IAsyncDisposable
{
    /// <summary>Bytes per chunk: 512 PCM16 samples.</summary>
    internal const int ChunkBytes = FrameEncoder.BytesPerChunk;

    /// <summary>The duration of one chunk at 16 kHz.</summary>
    internal static readonly TimeSpan ChunkDuration = TimeSpan.FromMilliseconds(32);

    private readonly IAudioSource _source;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _send;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _muted;
    private long _chunksSent;
    private int _disposed;

    /// <summary>Creates the pump; nothing is read before <see cref="StartAsync"/>.</summary>
    /// <param name="source">The audio (not owned: the caller disposes it).</param>
    /// <param name="send">Sends one chunk (for example <c>ChatSocket.SendAudioAsync</c>). The memory is reused after the call completes.</param>
    /// <param name="scheduler">The clock that paces sources that are not real-time.</param>
    /// <param name="logger">Where the pump logs, or <see langword="null"/>.</param>
    /// <param name="startMuted">Whether to start muted.</param>
    internal VoiceChatPump(
        IAudioSource source,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send,
        IScheduler scheduler,
        ILogger? logger = null,
        bool startMuted = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(scheduler);
        _source = source;
        _send = send;
        _scheduler = scheduler;
        _logger = logger ?? NullLogger.Instance;
        _muted = startMuted ? 1 : 0;
    }

    /// <summary>Whether the pump sends silence instead of the source's audio.</summary>
    internal bool IsMuted => Volatile.Read(ref _muted) != 0;

    /// <summary>How many chunks were sent.</summary>
    internal long ChunksSent => Interlocked.Read(ref _chunksSent);

    /// <summary>
    /// Completes when the pump stops: at the end of the source, on <see cref="StopAsync"/> or dispose (both
    /// successfully), or faulted with the exception of a failed read or send.
    /// </summary>
    internal Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>Sends silence from the next chunk on.</summary>
    internal void Mute() => Volatile.Write(ref _muted, 1);

    /// <summary>Sends the source's audio from the next chunk on.</summary>
    internal void Unmute() => Volatile.Write(ref _muted, 0);

    /// <summary>Starts the pump's loop and returns at once.</summary>
    /// <param name="cancellationToken">Not used to stop the loop (use <see cref="StopAsync"/>); a cancelled token refuses to start.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    internal Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_loop is not null)
        {
            throw new InvalidOperationException("The voice chat pump is already started.");
        }

        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops the loop and waits for it (a read or send in progress is cancelled).</summary>
    /// <param name="cancellationToken">Stops waiting (the loop is still told to stop).</param>
    /// <returns>Completes when the loop has ended.</returns>
    internal async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Stops the loop and waits for it. Idempotent. Does not dispose the source.</summary>
    /// <returns>Completes when the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken token)
    {
        var chunk = new byte[ChunkBytes];
        var silence = new byte[ChunkBytes];
        var paced = !_source.IsRealTime;
        var start = _scheduler.Now;
        long index = 0;
        var reason = "end of source";
        try
        {
            while (true)
            {
                var filled = await FillAsync(chunk, token).ConfigureAwait(false);
                if (filled == 0)
                {
                    break;
                }

                chunk.AsSpan(filled).Clear(); // pad the last, partial chunk with silence

                if (paced)
                {
                    // Absolute due times, so that time spent reading and sending does not accumulate drift.
                    var due = start + (ChunkDuration * index);
                    await SchedulerDelay.DelayAsync(_scheduler, due - _scheduler.Now, token).ConfigureAwait(false);
                }

                await _send(IsMuted ? silence : chunk, token).ConfigureAwait(false);
                Interlocked.Increment(ref _chunksSent);
                index++;
                if (filled < ChunkBytes)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            reason = "stopped";
        }
        catch (Exception ex)
        {
            Log.PumpFailed(_logger, ex);
            reason = "failed";
            throw;
        }
        finally
        {
            Log.PumpStopped(_logger, ChunksSent, reason);
        }
    }

    // Reads until the chunk is full or the source ends. Returns the bytes read.
    private async Task<int> FillAsync(byte[] chunk, CancellationToken token)
    {
        var filled = 0;
        while (filled < chunk.Length)
        {
            var read = await _source.ReadAsync(chunk.AsMemory(filled), token).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
