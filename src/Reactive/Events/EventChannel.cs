namespace KonPro.Streaming.Events;

/// <summary>Where an event came from.</summary>
internal enum EventChannel
{
    /// <summary>The chat socket.</summary>
    ChatSocket,

    /// <summary>The LiveKit room's data channel.</summary>
    Room,

    /// <summary>The SDK itself (stream ready, disconnected).</summary>
    Client,
}
