using System.Reactive.Concurrency;
using KonPro.Streaming.Rooms;

namespace KonPro.Streaming.LiveKit;

/// <summary>Settings of <see cref="LiveKitRoomConnector"/>.</summary>
public sealed class LiveKitRoomOptions
{
    /// <summary>
    /// Video frames kept for a slow subscriber before the oldest is dropped (and counted in
    /// <see cref="IAvatarRoom.Statistics"/>). Default 2: a subscriber sees the newest frames, never a growing backlog.
    /// </summary>
    public int VideoQueueFrames { get; set; } = 2;

    /// <summary>Audio frames (10 ms each) kept for a slow subscriber before the oldest is dropped. Default 50 (half a second).</summary>
    public int AudioQueueFrames { get; set; } = 50;

    /// <summary>The sample rate the avatar's audio is delivered at (LiveKit resamples). Default 48,000 Hz.</summary>
    public int AudioSampleRate { get; set; } = 48_000;

    /// <summary>The channels the avatar's audio is delivered with (LiveKit remixes). Default 1 (mono).</summary>
    public int AudioChannels { get; set; } = 1;

    /// <summary>
    /// The identity of the avatar's participant in the room: only its data messages (and the room server's, which have no
    /// participant) are read as the avatar's events; any other participant's are delivered as
    /// <see cref="StreamingAvatar.ParticipantData"/>. Default null: the avatar is the first remote participant the room
    /// announces with a video track (the one whose picture the SDK shows). Set it when the room may hold another
    /// participant that publishes video before the avatar does.
    /// </summary>
    public string? AvatarIdentity { get; set; }

    /// <summary>How often LiveKit retries joining before it gives up. Default 1.</summary>
    public uint JoinRetries { get; set; } = 1;

    /// <summary>
    /// How long LiveKit's client core (the process's one FFI server, shared by every room) stays up after the last room
    /// closes, so that a session started meanwhile joins its room without starting the core again. Default 5 s.
    /// <see cref="TimeSpan.Zero"/> shuts the core down as soon as the last room closes;
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps it until the process exits. An idle core is shut down when the process
    /// exits whatever this says. When rooms of connectors with different settings close, the last room's connector
    /// decides. Timed on <see cref="Scheduler"/>.
    /// </summary>
    /// <remarks>Other negative values, and values above <see cref="int.MaxValue"/> milliseconds, are refused when the connector is made.</remarks>
    public TimeSpan FfiServerIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs the connector's timers (the <see cref="FfiServerIdleTimeout"/>); <see cref="DefaultScheduler.Instance"/> when
    /// null. Tests pass a <c>HistoricalScheduler</c>.
    /// </summary>
    public IScheduler? Scheduler { get; set; }

    internal IScheduler SchedulerOrDefault => Scheduler ?? DefaultScheduler.Instance;

    internal void Validate()
    {
        if (FfiServerIdleTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(FfiServerIdleTimeout, TimeSpan.Zero, nameof(FfiServerIdleTimeout));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(FfiServerIdleTimeout, TimeSpan.FromMilliseconds(int.MaxValue), nameof(FfiServerIdleTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(VideoQueueFrames, 1, nameof(VideoQueueFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(AudioQueueFrames, 1, nameof(AudioQueueFrames));
        ArgumentOutOfRangeException.ThrowIfLessThan(AudioSampleRate, 8_000, nameof(AudioSampleRate));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AudioSampleRate, 96_000, nameof(AudioSampleRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(AudioChannels, 1, nameof(AudioChannels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AudioChannels, 2, nameof(AudioChannels));
    }
}
