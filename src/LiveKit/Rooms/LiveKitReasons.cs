using KonPro.StreamingAvatar.LiveKit.Proto;
using LiveKitReason = KonPro.StreamingAvatar.LiveKit.Proto.DisconnectReason;
using LiveKitQuality = KonPro.StreamingAvatar.LiveKit.Proto.ConnectionQuality;

namespace KonPro.StreamingAvatar.LiveKit;

/// <summary>LiveKit's reasons and qualities in the SDK's terms.</summary>
internal static class LiveKitReasons
{
    public static AvatarRoomDisconnect Map(LiveKitReason reason) => new(reason switch
    {
        LiveKitReason.ClientInitiated => KonPro.StreamingAvatar.DisconnectReason.ClientStop,
        LiveKitReason.JoinFailure => KonPro.StreamingAvatar.DisconnectReason.StartFailed,
        LiveKitReason.SignalClose or LiveKitReason.ConnectionTimeout or LiveKitReason.MediaFailure => KonPro.StreamingAvatar.DisconnectReason.NetworkLost,
        LiveKitReason.DuplicateIdentity or LiveKitReason.UserRejected => KonPro.StreamingAvatar.DisconnectReason.Unauthorized,
        _ => KonPro.StreamingAvatar.DisconnectReason.ServerClosed,
    }, Name(reason));

    public static KonPro.StreamingAvatar.ConnectionQuality Map(LiveKitQuality quality) => quality switch
    {
        LiveKitQuality.QualityExcellent or LiveKitQuality.QualityGood => KonPro.StreamingAvatar.ConnectionQuality.Good,
        LiveKitQuality.QualityPoor or LiveKitQuality.QualityLost => KonPro.StreamingAvatar.ConnectionQuality.Bad,
        _ => KonPro.StreamingAvatar.ConnectionQuality.Unknown,
    };

    /// <summary>The reason as LiveKit's protocol names it (e.g. <c>ROOM_DELETED</c>).</summary>
    public static string Name(LiveKitReason reason) =>
        ParticipantReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("DisconnectReason")?.FindValueByNumber((int)reason)?.Name
        ?? ((int)reason).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
