using System.Text.Json;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// One session's room: decides which of the session's events go to the chat socket and which to the room's data
/// channel (as JSON with <c>type</c>), and keeps the avatar's video and audio in step with its speech.
/// </summary>
internal sealed class SessionRoom(FakeLiveKitProcess process, string sessionId, FakeEventDelivery delivery)
{
    private readonly Lock _gate = new();
    private string _words = string.Empty;
    private int _closed;

    public string SessionId { get; } = sessionId;

    /// <summary>The events the reference service sends on the chat socket even when the room carries the rest.</summary>
    public static bool IsChatSocketEvent(string? eventType) => eventType is ChatEventNames.UserStart or ChatEventNames.UserStop or ChatEventNames.UserSilence;

    /// <summary>Whether a chat socket event (JSON with <c>event_type</c>) also goes to the chat socket.</summary>
    public bool ChatCarries(string chatJson) =>
        delivery != FakeEventDelivery.RoomOnly || IsChatSocketEvent(EventType(chatJson));

    public void StartAvatar() => process.Post(Command("start_avatar"));

    /// <summary>Follows the avatar's speech on video and audio, and sends the event on the data channel when the delivery says so.</summary>
    public void Publish(string chatJson)
    {
        if (Volatile.Read(ref _closed) != 0 || JsonNode.Parse(chatJson) is not JsonObject source)
        {
            return;
        }

        var eventType = source[ChatProtocol.EventNameProperty]?.GetValue<string>();
        lock (_gate)
        {
            // One lock keeps the talking state and the event in the order the session emitted them.
            if (Talking(eventType, source) is { } talking)
            {
                var command = Command("talking");
                command["words"] = talking.Words;
                process.Post(command);
            }

            if (delivery == FakeEventDelivery.ChatOnly || IsChatSocketEvent(eventType))
            {
                return;
            }

            var roomEvent = new JsonObject { [ChatProtocol.RoomEventNameProperty] = eventType };
            foreach (var (name, value) in source)
            {
                if (name != ChatProtocol.EventNameProperty)
                {
                    roomEvent[name] = value?.DeepClone();
                }
            }

            var emit = Command("emit");
            emit["event"] = roomEvent;
            process.Post(emit);
        }
    }

    /// <summary>Plays speech audio (PCM16 little-endian mono at <paramref name="sampleRate"/>) on the avatar's audio track, ahead of its tone.</summary>
    public void SpeakAudio(byte[] pcm, int sampleRate)
    {
        if (Volatile.Read(ref _closed) != 0 || pcm.Length == 0)
        {
            return;
        }

        var command = Command("speak_audio");
        command["sample_rate"] = sampleRate;
        command["audio"] = Convert.ToBase64String(pcm);
        PostQuietly(command);
    }

    /// <summary>Drops the speech audio the avatar's audio track has not played yet (an interrupt).</summary>
    public void ClearAudio()
    {
        if (Volatile.Read(ref _closed) == 0)
        {
            PostQuietly(Command("clear_audio"));
        }
    }

    /// <summary>Ends the room: every client gets <c>leave</c>.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            process.Post(Command("close_room"));
        }
    }

    private TalkingState? Talking(string? eventType, JsonObject source)
    {
        switch (eventType)
        {
            case ChatEventNames.AvatarStartTalking:
                _words = string.Empty;
                return new TalkingState(_words);
            case ChatEventNames.AvatarTalkingMessage:
                var chunk = source["message"]?.GetValue<string>() ?? string.Empty;
                _words += chunk; // chunks carry their own spacing
                return new TalkingState(_words);
            case ChatEventNames.AvatarStopTalking:
                _words = string.Empty;
                return new TalkingState(null);
            default:
                return null;
        }
    }

    private void PostQuietly(JsonObject command)
    {
        try
        {
            process.Post(command);
        }
        catch (ObjectDisposedException)
        {
            // The room program has stopped (server shutdown): nothing plays any more.
        }
    }

    private JsonObject Command(string name) => new() { ["cmd"] = name, ["session"] = SessionId };

    private static string? EventType(string chatJson)
    {
        try
        {
            using var document = JsonDocument.Parse(chatJson);
            return document.RootElement.TryGetProperty(ChatProtocol.EventNameProperty, out var type) ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record TalkingState(string? Words);
}
