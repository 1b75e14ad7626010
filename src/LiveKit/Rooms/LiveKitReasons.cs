using KonPro.Streaming.LiveKit.Proto;
using KonPro.Streaming.Rooms;
using LiveKitReason = KonPro.Streaming.LiveKit.Proto.DisconnectReason;
using LiveKitQuality = KonPro.Streaming.LiveKit.Proto.ConnectionQuality;

namespace KonPro.Streaming.LiveKit;

/// <summary>LiveKit's reasons and qualities in the SDK's terms.</summary>
internal static class LiveKitReasons
{
    public static AvatarRoomDisconnect Map(LiveKitReason reason) => new(reason switch
    {
        LiveKitReason.ClientInitiated => KonPro.Streaming.DisconnectReason.ClientStop,
        LiveKitReason.JoinFailure => KonPro.Streaming.DisconnectReason.StartFailed,
        LiveKitReason.SignalClose or LiveKitReason.ConnectionTimeout or LiveKitReason.MediaFailure => KonPro.Streaming.DisconnectReason.NetworkLost,
        LiveKitReason.DuplicateIdentity or LiveKitReason.UserRejected => KonPro.Streaming.DisconnectReason.Unauthorized,
        _ => KonPro.Streaming.DisconnectReason.ServerClosed,
    }, Name(reason));

    public static KonPro.Streaming.ConnectionQuality Map(LiveKitQuality quality) => quality switch
    {
        LiveKitQuality.QualityExcellent or LiveKitQuality.QualityGood => KonPro.Streaming.ConnectionQuality.Good,
        LiveKitQuality.QualityPoor or LiveKitQuality.QualityLost => KonPro.Streaming.ConnectionQuality.Bad,
        _ => KonPro.Streaming.ConnectionQuality.Unknown,
    };

    /// <summary>The reason as LiveKit's protocol names it (e.g. <c>ROOM_DELETED</c>).</summary>
    public static string Name(LiveKitReason reason) =>
        ParticipantReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("DisconnectReason")?.FindValueByNumber((int)reason)?.Name
        ?? ((int)reason).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
