namespace KonPro.Streaming.Rooms;

/// <summary>The pixel layout of an <see cref="AvatarVideoFrame"/>.</summary>
public enum AvatarVideoFormat
{
    /// <summary>8-bit red, green, blue, alpha per pixel, in that byte order; rows of <see cref="AvatarVideoFrame.Stride"/> bytes, top row first.</summary>
    Rgba32,
}

/// <summary>One decoded video frame of the avatar.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Stride">Bytes per row (at least <paramref name="Width"/> × 4 for <see cref="AvatarVideoFormat.Rgba32"/>).</param>
/// <param name="Timestamp">The frame's capture timestamp, as the sender stamped it.</param>
/// <param name="Format">The pixel layout.</param>
/// <param name="Data">The pixels: <paramref name="Stride"/> × <paramref name="Height"/> bytes. Borrowed: valid only during <c>OnNext</c>; copy it to keep it.</param>
public readonly record struct AvatarVideoFrame(int Width, int Height, int Stride, TimeSpan Timestamp, AvatarVideoFormat Format, ReadOnlyMemory<byte> Data)
{
    /// <summary>Copies the pixels, to keep them after <c>OnNext</c> returns.</summary>
    /// <returns>A new array with <see cref="Data"/>.</returns>
    public byte[] ToArray() => Data.ToArray();
}

/// <summary>One frame of the avatar's audio: interleaved signed 16-bit PCM.</summary>
/// <param name="SampleRate">Samples per second per channel.</param>
/// <param name="Channels">Number of channels.</param>
/// <param name="SamplesPerChannel">Samples per channel in this frame.</param>
/// <param name="Samples">The interleaved samples (<paramref name="SamplesPerChannel"/> × <paramref name="Channels"/>). Borrowed: valid only during <c>OnNext</c>; copy it to keep it.</param>
public readonly record struct AvatarAudioFrame(int SampleRate, int Channels, int SamplesPerChannel, ReadOnlyMemory<short> Samples)
{
    /// <summary>How long the frame plays.</summary>
    public TimeSpan Duration => SampleRate == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)SamplesPerChannel / SampleRate);

    /// <summary>Copies the samples, to keep them after <c>OnNext</c> returns.</summary>
    /// <returns>A new array with <see cref="Samples"/>.</returns>
    public short[] ToArray() => Samples.ToArray();
}

/// <summary>The kind of a media track.</summary>
public enum AvatarTrackKind
{
    /// <summary>Audio.</summary>
    Audio,

    /// <summary>Video.</summary>
    Video,
}

/// <summary>A track of the avatar that was subscribed (or, with <paramref name="Subscribed"/> false, unsubscribed).</summary>
/// <param name="ParticipantIdentity">The identity of the participant that publishes it.</param>
/// <param name="TrackSid">The track's id in the room.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="Subscribed">True when subscribed, false when unsubscribed.</param>
public sealed record AvatarRoomTrack(string ParticipantIdentity, string TrackSid, AvatarTrackKind Kind, bool Subscribed);

/// <summary>Counts of the room's media so far.</summary>
/// <param name="VideoFramesDelivered">Video frames handed to subscribers.</param>
/// <param name="VideoFramesDropped">Video frames dropped because subscribers were slower than the stream.</param>
/// <param name="AudioFramesDelivered">Audio frames handed to subscribers.</param>
/// <param name="AudioFramesDropped">Audio frames dropped because subscribers were slower than the stream.</param>
public readonly record struct AvatarRoomStatistics(long VideoFramesDelivered, long VideoFramesDropped, long AudioFramesDelivered, long AudioFramesDropped);

/// <summary>Why a room closed.</summary>
/// <param name="Reason">The reason in the SDK's terms.</param>
/// <param name="RawReason">The room's own reason, as LiveKit names it (e.g. <c>ROOM_DELETED</c>).</param>
public sealed record AvatarRoomDisconnect(DisconnectReason Reason, string RawReason);
