using System.Diagnostics;
using System.Reactive.Linq;
using ImageMagick;
using KonPro.Streaming;
using KonPro.Streaming.LiveKit;
using KonPro.Streaming.Rooms;
using Spectre.Console;
using Avatar = KonPro.Streaming.StreamingAvatar;

namespace KonPro.Demo;

/// <summary>
/// The demo's <c>--room</c>: joins the session's LiveKit room with the LiveKit connector, shows the avatar's tracks,
/// counts its video and audio frames, and writes a PNG of a video frame taken while the avatar talks.
/// </summary>
internal sealed class RoomView : IDisposable
{
    private readonly string _snapshotPath;
    private readonly Stopwatch _watch = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly TaskCompletionSource<string> _snapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IAvatarRoom? _room;
    private volatile bool _talking;
    private int _talkingFrames;
    private long _videoFrames;
    private long _audioSamples;
    private int _sampleRate;
    private int _width;
    private int _height;

    private RoomView(string snapshotPath) => _snapshotPath = Path.GetFullPath(snapshotPath);

    /// <summary>The connector, or null (said plainly) where this platform has no native library.</summary>
    public static RoomView? TryCreate(DemoSettings settings, out IAvatarRoomConnector? connector)
    {
        connector = null;
        if (!settings.Room)
        {
            return null;
        }

        if (!LiveKitPlatform.IsSupported)
        {
            AnsiConsole.MarkupLine(
                $"[yellow]--room[/]: LiveKit's native library ships for {string.Join(", ", LiveKitPlatform.SupportedRuntimes)} only, " +
                $"and this is {Markup.Escape(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier)}: running on the chat socket alone.");
            return null;
        }

        connector = new LiveKitRoomConnector();
        return new RoomView(settings.SnapshotFile);
    }

    /// <summary>Starts watching the session's room (call once the session is ready).</summary>
    public void Attach(Avatar avatar)
    {
        _room = avatar.Room ?? throw new InvalidOperationException("The session has no room.");
        _watch.Start();
        _subscriptions.Add(_room.Tracks.Subscribe(track => AnsiConsole.MarkupLine(
            $"  [blue]room[/] {(track.Subscribed ? "subscribed" : "unsubscribed")} {track.Kind.ToString().ToLowerInvariant()} track {Markup.Escape(track.TrackSid)} of {Markup.Escape(track.ParticipantIdentity)}")));
        _subscriptions.Add(avatar.IsAvatarTalking.Subscribe(talking =>
        {
            _talking = talking;
            Interlocked.Exchange(ref _talkingFrames, 0);
        }));
        _subscriptions.Add(_room.AudioFrames.Subscribe(frame =>
        {
            _sampleRate = frame.SampleRate;
            Interlocked.Add(ref _audioSamples, frame.SamplesPerChannel);
        }));
        _subscriptions.Add(_room.VideoFrames.Subscribe(OnVideoFrame));
    }

    /// <summary>Waits for the snapshot (the avatar must have talked) and prints the frame counts and rates.</summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        var file = await _snapshot.Task.WaitAsync(cancellationToken);
        var seconds = _watch.Elapsed.TotalSeconds;
        var stats = _room!.Statistics;
        AnsiConsole.MarkupLine(
            $"  [blue]room[/] video {_width}x{_height}: {_videoFrames} frames in {seconds:0.0} s ({_videoFrames / seconds:0.0} fps), " +
            $"{stats.VideoFramesDropped} dropped; audio {(_sampleRate == 0 ? 0 : (double)_audioSamples / _sampleRate):0.0} s at {_sampleRate} Hz " +
            $"({stats.AudioFramesDelivered} frames, {stats.AudioFramesDropped} dropped)");
        AnsiConsole.MarkupLine($"  [blue]room[/] snapshot of the talking avatar: [blue]{Markup.Escape(file)}[/]");
        return file;
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void OnVideoFrame(AvatarVideoFrame frame)
    {
        Interlocked.Increment(ref _videoFrames);
        (_width, _height) = (frame.Width, frame.Height);
        // A few frames into an utterance, so the picture shows the avatar talking.
        if (!_talking || _snapshot.Task.IsCompleted || Interlocked.Increment(ref _talkingFrames) != 5)
        {
            return;
        }

        var pixels = Pack(frame);
        _ = Task.Run(() =>
        {
            try
            {
                using var image = new MagickImage();
                image.ReadPixels(pixels, new PixelReadSettings((uint)frame.Width, (uint)frame.Height, StorageType.Char, PixelMapping.RGBA));
                image.Write(_snapshotPath, MagickFormat.Png);
                _snapshot.TrySetResult(_snapshotPath);
            }
            catch (Exception ex) when (ex is MagickException or IOException or UnauthorizedAccessException)
            {
                _snapshot.TrySetException(ex);
            }
        });
    }

    // The frame's rows without padding (the buffer is borrowed: copied here, during OnNext).
    private static byte[] Pack(AvatarVideoFrame frame)
    {
        var row = frame.Width * 4;
        var pixels = new byte[row * frame.Height];
        for (var y = 0; y < frame.Height; y++)
        {
            frame.Data.Span.Slice(y * frame.Stride, row).CopyTo(pixels.AsSpan(y * row));
        }

        return pixels;
    }
}
