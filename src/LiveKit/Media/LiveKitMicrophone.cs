using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.LiveKit.Proto;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.LiveKit.Media;

/// <summary>
/// The user's microphone as a published audio track: an FFI audio source (16 kHz mono, the SDK's voice format), a local
/// track on it, published as <c>SOURCE_MICROPHONE</c>, fed from an <see cref="IAudioSource"/> in 10 ms frames. The
/// native source's queue paces the feed (each capture completes when the frame is queued), so file sources play at
/// speaking speed.
/// </summary>
internal sealed class LiveKitMicrophone : IAsyncDisposable
{
    private const int SampleRate = 16_000;
    private const int SamplesPerFrame = SampleRate / 100;

    private readonly FfiClient _ffi;
    private readonly ulong _localParticipant;
    private readonly IAudioSource _source;
    private readonly ILogger _logger;
    private readonly Action<LiveKitMicrophone> _onDisposed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private FfiHandle? _audioSource;
    private FfiHandle? _track;
    private FfiHandle? _publication;
    private string? _trackSid;
    private Task _feed = Task.CompletedTask;
    private Task? _disposal;

    public LiveKitMicrophone(FfiClient ffi, ulong localParticipant, IAudioSource source, ILogger logger, Action<LiveKitMicrophone> onDisposed)
    {
        _ffi = ffi;
        _localParticipant = localParticipant;
        _source = source;
        _logger = logger;
        _onDisposed = onDisposed;
    }

    public int HandleCount
    {
        get
        {
            lock (_gate)
            {
                return (_audioSource is null ? 0 : 1) + (_track is null ? 0 : 1) + (_publication is null ? 0 : 1);
            }
        }
    }

    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        var source = _ffi.Request(new FfiRequest
        {
            NewAudioSource = new NewAudioSourceRequest
            {
                Type = AudioSourceType.AudioSourceNative,
                SampleRate = SampleRate,
                NumChannels = 1,
                QueueSizeMs = 100,
                Options = new AudioSourceOptions { EchoCancellation = false, NoiseSuppression = false, AutoGainControl = false },
            },
        }).NewAudioSource.Source;
        lock (_gate)
        {
            _audioSource = _ffi.Own(source.Handle);
        }

        var track = _ffi.Request(new FfiRequest { CreateAudioTrack = new CreateAudioTrackRequest { Name = "microphone", SourceHandle = source.Handle.Id } }).CreateAudioTrack.Track;
        lock (_gate)
        {
            _track = _ffi.Own(track.Handle);
        }

        var published = await _ffi.RequestAsync(
            new FfiRequest
            {
                PublishTrack = new PublishTrackRequest
                {
                    LocalParticipantHandle = _localParticipant,
                    TrackHandle = track.Handle.Id,
                    Options = new TrackPublishOptions { Source = TrackSource.SourceMicrophone, Dtx = false, Red = false },
                },
            },
            r => r.PublishTrack.AsyncId,
            cancellationToken).ConfigureAwait(false);
        if (published.PublishTrack.MessageCase != PublishTrackCallback.MessageOneofCase.Publication)
        {
            throw new LiveKitNativeException("Publishing the microphone track failed: " + (published.PublishTrack.HasError ? published.PublishTrack.Error : "no publication"));
        }

        lock (_gate)
        {
            _publication = _ffi.Own(published.PublishTrack.Publication.Handle);
            _trackSid = published.PublishTrack.Publication.Info?.Sid;
            _feed = Task.Run(() => FeedAsync(source.Handle.Id, _stop.Token));
        }
    }

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
        await _stop.CancelAsync().ConfigureAwait(false);
        await _feed.ConfigureAwait(false);
        string? sid;
        lock (_gate)
        {
            sid = _trackSid;
        }

        if (sid is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _ffi.RequestAsync(
                    new FfiRequest { UnpublishTrack = new UnpublishTrackRequest { LocalParticipantHandle = _localParticipant, TrackSid = sid, StopOnUnpublish = true } },
                    r => r.UnpublishTrack.AsyncId,
                    timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // best effort: the room may be gone already; the handles are dropped next
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.MicrophoneFailed(_logger, exception.Message);
            }
        }

        lock (_gate)
        {
            _publication?.Dispose();
            _track?.Dispose();
            _audioSource?.Dispose();
            _publication = _track = _audioSource = null;
        }

        _stop.Dispose();
        _onDisposed(this);
    }

    private async Task FeedAsync(ulong sourceHandle, CancellationToken cancellationToken)
    {
        // Pinned for the native side to read during each capture.
        var frame = GC.AllocateArray<short>(SamplesPerFrame, pinned: true);
        var bytes = new byte[SamplesPerFrame * sizeof(short)];
        var filled = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var read = await _source.ReadAsync(bytes.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                if (filled < bytes.Length)
                {
                    continue;
                }

                Buffer.BlockCopy(bytes, 0, frame, 0, bytes.Length);
                filled = 0;
                var captured = await _ffi.RequestAsync(
                    new FfiRequest
                    {
                        CaptureAudioFrame = new CaptureAudioFrameRequest
                        {
                            SourceHandle = sourceHandle,
                            Buffer = new AudioFrameBufferInfo { DataPtr = (ulong)System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(frame, 0), NumChannels = 1, SampleRate = SampleRate, SamplesPerChannel = SamplesPerFrame },
                        },
                    },
                    r => r.CaptureAudioFrame.AsyncId,
                    cancellationToken).ConfigureAwait(false);
                if (captured.CaptureAudioFrame.HasError)
                {
                    Log.MicrophoneFailed(_logger, captured.CaptureAudioFrame.Error);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the feed ends; the track stays until disposed
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.MicrophoneFailed(_logger, exception.Message);
        }
    }
}
