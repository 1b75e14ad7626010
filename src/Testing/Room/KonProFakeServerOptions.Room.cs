namespace KonPro.Streaming.Testing;

/// <content>The room and event-delivery settings.</content>
public sealed partial class KonProFakeServerOptions
{
    /// <summary>The LiveKit-compatible room each session gets when <see cref="KonProFakeRoomOptions.Enabled"/> is set.</summary>
    public KonProFakeRoomOptions Room { get; } = new();

    /// <summary>
    /// Where a session's events go. Null (the default) means the service's behaviour: <see cref="FakeEventDelivery.RoomOnly"/>
    /// when the room is enabled and <see cref="FakeEventDelivery.ChatOnly"/> otherwise; a value that needs the room needs it
    /// enabled. <see cref="FakeEventDelivery.ChatAndRoom"/> is a convenience for a client that reads the chat socket
    /// without joining the room; a client that reads both (the official web SDK) would show every event twice.
    /// </summary>
    public FakeEventDelivery? EventDelivery { get; set; }

    internal FakeEventDelivery EffectiveEventDelivery =>
        EventDelivery ?? (Room.Enabled ? FakeEventDelivery.RoomOnly : FakeEventDelivery.ChatOnly);

    internal void ValidateRoom()
    {
        Room.Validate();
        if (EventDelivery is { } delivery && !Enum.IsDefined(delivery))
        {
            throw new ArgumentOutOfRangeException(nameof(EventDelivery), delivery, "Unknown event delivery.");
        }

        if (EventDelivery is FakeEventDelivery.ChatAndRoom or FakeEventDelivery.RoomOnly && !Room.Enabled)
        {
            throw new ArgumentException($"Event delivery {EventDelivery} needs the room: set Room.Enabled.", nameof(EventDelivery));
        }
    }
}
