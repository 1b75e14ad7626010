namespace KonPro.Streaming.Testing;

/// <summary>
/// A connection quality the fake's LiveKit room reports to its clients (LiveKit's <c>ConnectionQuality</c> values, sent
/// in a <c>connectionQuality</c> signalling update); see <see cref="KonProFaults.SetConnectionQualityAsync"/>.
/// </summary>
public enum RoomConnectionQuality
{
    /// <summary>Excellent (what the room reports for a fresh connection); the SDK reads it as <c>ConnectionQuality.Good</c>.</summary>
    Excellent,

    /// <summary>Good; the SDK reads it as <c>ConnectionQuality.Good</c>.</summary>
    Good,

    /// <summary>Poor; the SDK reads it as <c>ConnectionQuality.Bad</c>.</summary>
    Poor,

    /// <summary>Lost (the server hears nothing from the client); the SDK reads it as <c>ConnectionQuality.Bad</c>.</summary>
    Lost,
}
