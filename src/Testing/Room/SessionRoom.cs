using System.Text.Json.Nodes;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// One session's room: the channel that carries the session's events to the room's data channel (as JSON with
/// <c>type</c>, when the delivery says so), rendered once from the typed event, and keeps the avatar's video and audio
/// in step with its speech. The session's start shows the avatar; its close closes the room.
/// </summary>
internal sealed class SessionRoom(FakeLiveKitProcess process, string sessionId, FakeEventDelivery delivery) : ISessionEventSink
{
    private readonly Lock _gate = new();
    private string _words = string.Empty;
    private int _closed;

    public string SessionId { get; } = sessionId;

    /// <summary>The session started: the avatar appears in the room.</summary>
    public void OnStarted() => process.Post(Command("start_avatar"));

    /// <summary>Follows the avatar's speech on video and audio, and sends the event on the data channel when the delivery says so.</summary>
    public void OnEvent(in SessionEvent sessionEvent)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        lock (_gate)
        {
            // One lock keeps the talking state and the event in the order the session emitted them.
            if (Talking(sessionEvent) is { } talking)
            {
                var command = Command("talking");
                command["words"] = talking.Words;
                process.Post(command);
            }

            if (!sessionEvent.GoesToRoom(delivery))
            {
                return;
            }

            var roomEvent = new JsonObject
            {
                [ChatProtocol.RoomEventNameProperty] = sessionEvent.Name,
                [ChatEventFields.SessionId] = SessionId,
            };
            if (sessionEvent.TaskId is { } taskId)
            {
                roomEvent[ChatEventFields.TaskId] = taskId;
            }

            if (sessionEvent.Message is { } message)
            {
                roomEvent[ChatEventFields.Message] = message;
            }

            if (sessionEvent.HasDuration)
            {
                roomEvent[ChatEventFields.DurationMs] = sessionEvent.DurationMs;
            }

            var emit = Command("emit");
            emit["event"] = roomEvent;
            process.Post(emit);
        }
    }

    /// <inheritdoc />
    public void OnClosed(int status, string reason) => Close();

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

    private TalkingState? Talking(in SessionEvent sessionEvent)
    {
        switch (sessionEvent.Kind)
        {
            case SessionEventKind.AvatarStartTalking:
                _words = string.Empty;
                return new TalkingState(_words);
            case SessionEventKind.AvatarTalkingMessage:
                _words += sessionEvent.Message; // chunks carry their own spacing
                return new TalkingState(_words);
            case SessionEventKind.AvatarStopTalking:
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

    private sealed record TalkingState(string? Words);
}
