using KonPro.StreamingAvatar.Testing;

namespace KonPro.FakeServer;

/// <summary>The command line's room options (<c>--room</c>, <c>--room-host</c>, <c>--room-listen</c>, <c>--event-delivery</c>, <c>--install-room</c>).</summary>
internal static class RoomCommandLine
{
    public const string Help = """
      --room                serve a LiveKit-compatible room per session (needs Node.js 20+ with npm on the PATH;
                            WebRTC ignores loopback: on CI run inside a network namespace, eng/netns-run)
      --room-host <host>    the host that room URLs name (default: the host the client used for `new`)
      --room-listen <ip>    the address the room's signalling listens on (default 127.0.0.1)
      --event-delivery <d>  where events go: chat-only, chat-and-room (default with --room), room-only
                            (the reference service: the chat socket carries only user_start/user_stop/user_silence)
      --install-room        install the room program's dependencies (npm ci, from its lock file) and exit
    """;

    /// <summary>Applies the room options to the server's options.</summary>
    public static void Apply(KonProFakeServerOptions options, bool room, string? roomHost, string? roomListen, string? eventDelivery)
    {
        options.Room.Enabled = room;
        options.Room.AdvertisedHost = roomHost;
        if (roomListen is not null)
        {
            options.Room.ListenAddress = roomListen;
        }

        if (eventDelivery is not null)
        {
            options.EventDelivery = ParseEventDelivery(eventDelivery);
        }
    }

    public static FakeEventDelivery ParseEventDelivery(string value) => value switch
    {
        "chat-only" => FakeEventDelivery.ChatOnly,
        "chat-and-room" => FakeEventDelivery.ChatAndRoom,
        "room-only" => FakeEventDelivery.RoomOnly,
        _ => throw new ArgumentException($"Unknown event delivery '{value}' (chat-only, chat-and-room, room-only)."),
    };

    /// <summary><c>--install-room</c>: installs the room program where the registry is reachable; 0 on success.</summary>
    public static async Task<int> InstallAsync(KonProFakeRoomOptions options)
    {
        try
        {
            Console.WriteLine($"Fake LiveKit room installed in {await KonProFakeServer.InstallRoomAsync(options).ConfigureAwait(false)}");
            return 0;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
