using KonPro.Streaming.Rooms;

namespace KonPro.Streaming.LiveKit;

/// <summary>
/// Which participant of the room is the avatar, and so whose data messages are the avatar's events: the identity in
/// <see cref="LiveKitRoomOptions.AvatarIdentity"/> when it is set, else the first remote participant the room announces
/// with a video track (in the join answer, or a later track publication; LiveKit announces a participant and its
/// tracks before relaying its data). A message without a sender came from the room's server and counts as the avatar's
/// too; anyone else's is participant data. Fed from the FFI dispatcher, one event at a time.
/// </summary>
internal sealed class AvatarParticipant(string? configuredIdentity)
{
    private string? _learned;

    /// <summary>The avatar's identity, once known.</summary>
    public string? Identity => string.IsNullOrEmpty(configuredIdentity) ? Volatile.Read(ref _learned) : configuredIdentity;

    /// <summary>A remote participant is announced with a track (at join, or later).</summary>
    /// <param name="participantIdentity">The participant's identity.</param>
    /// <param name="isVideo">Whether the track is a video track.</param>
    /// <returns>Whether this made the participant the avatar.</returns>
    public bool OnTrackPublished(string? participantIdentity, bool isVideo)
    {
        if (!isVideo || string.IsNullOrEmpty(participantIdentity) || Identity is not null)
        {
            return false;
        }

        Volatile.Write(ref _learned, participantIdentity);
        return true;
    }

    /// <summary>Who sent a data message, by the sender's identity (empty or null: the room's server).</summary>
    /// <param name="senderIdentity">The sender's identity as LiveKit reports it.</param>
    /// <returns>The sender's kind.</returns>
    public AvatarRoomDataSender Classify(string? senderIdentity) =>
        string.IsNullOrEmpty(senderIdentity) ? AvatarRoomDataSender.Server
        : string.Equals(senderIdentity, Identity, StringComparison.Ordinal) ? AvatarRoomDataSender.Avatar
        : AvatarRoomDataSender.Participant;
}
