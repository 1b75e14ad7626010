using System.Globalization;
using System.Text.Json;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Speech;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// The user's side of a conversation held in the room, answered exactly as the chat socket's is: a typed message (the
/// web SDK's <c>speak</c> of a talk task over the LiveKit transport publishes the text as a JSON string) is a talk turn;
/// <c>"push_to_talk:start"</c> / <c>"push_to_talk:stop"</c> bound an utterance that is answered when it ends; a published
/// microphone is heard through the room's audio levels (voice activity as the chat socket detects it in audio frames).
/// </summary>
/// <remarks>Called from the room program's one report reader, so never concurrently.</remarks>
internal sealed class RoomTurns(FakeServerCore core, AvatarBehaviour avatar)
{
    private readonly Dictionary<string, Microphone> _microphones = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pushToTalkSince = new(StringComparer.Ordinal);

    /// <summary>
    /// The text of a typed message published on the data channel: a JSON string's value (what the web SDK sends), or
    /// the payload itself when it is not JSON; null for other JSON (an object, a number) and for blank text.
    /// </summary>
    public static string? TypedText(string payload)
    {
        string? text;
        try
        {
            using var document = JsonDocument.Parse(payload);
            text = document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString() : null;
        }
        catch (JsonException)
        {
            text = payload;
        }

        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary>A data packet from a participant of the session's room (already journaled as <paramref name="kind"/>).</summary>
    public void OnData(string sessionId, RoomActivityKind kind, string payload)
    {
        if (Live(sessionId) is not { } session)
        {
            return;
        }

        Answering(session, () =>
        {
            switch (kind)
            {
                case RoomActivityKind.PushToTalkStart:
                    _pushToTalkSince[sessionId] = core.Clock.Timestamp();
                    avatar.UserStarted(session);
                    break;
                case RoomActivityKind.PushToTalkStop when _pushToTalkSince.Remove(sessionId, out var since):
                    avatar.UserStopped(session);
                    avatar.UserSaid(session, avatar.Transcript(session, core.Clock.Time.GetElapsedTime(since)), alwaysAnswer: true);
                    break;
                case RoomActivityKind.UserMessage when TypedText(payload) is { } text:
                    avatar.UserSaid(session, text, alwaysAnswer: true);
                    break;
            }
        });
    }

    /// <summary>Half a second (or so) of a published track's audio, as its RMS level (0 to 1).</summary>
    public void OnAudio(string sessionId, string trackSid, double seconds, double level)
    {
        if (Live(sessionId) is not { } session)
        {
            Forget(sessionId); // the session has closed: its room's audio is nobody's turn
            return;
        }

        if (_pushToTalkSince.ContainsKey(sessionId))
        {
            return; // while the user holds push-to-talk, the push bounds the utterance
        }

        var key = sessionId + "/" + trackSid;
        if (!_microphones.TryGetValue(key, out var microphone))
        {
            _microphones[key] = microphone = new Microphone();
        }

        var loud = level * 32768 >= core.Options.VoiceActivityThreshold;
        Answering(session, () =>
        {
            if (loud)
            {
                microphone.QuietSeconds = 0;
                microphone.SpeechSeconds += seconds;
                if (!microphone.InSpeech)
                {
                    microphone.InSpeech = true;
                    avatar.UserStarted(session);
                }

                return;
            }

            if (!microphone.InSpeech)
            {
                return;
            }

            microphone.QuietSeconds += seconds;
            if (microphone.QuietSeconds >= core.Options.UtteranceEndSilence.TotalSeconds)
            {
                var spoken = TimeSpan.FromSeconds(microphone.SpeechSeconds);
                microphone.InSpeech = false;
                microphone.SpeechSeconds = 0;
                avatar.UserStopped(session);
                avatar.UserSaid(session, avatar.Transcript(session, spoken), alwaysAnswer: false);
            }
        });
    }

    private void Forget(string sessionId)
    {
        _pushToTalkSince.Remove(sessionId);
        foreach (var key in _microphones.Keys.Where(k => k.StartsWith(sessionId + "/", StringComparison.Ordinal)).ToList())
        {
            _microphones.Remove(key);
        }
    }

    private FakeSession? Live(string sessionId) =>
        core.Store.Find(sessionId) is { Phase: not SessionPhase.Closed } session ? session : null;

    private void Answering(FakeSession session, Action turn)
    {
        try
        {
            turn();
        }
#pragma warning disable CA1031 // a failing responder hook must not end the room's report reader; the input is journaled already
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            Log.ResponderFailed(core.Logger, ex, session.Id);
        }
    }

    private sealed class Microphone
    {
        public bool InSpeech { get; set; }

        public double QuietSeconds { get; set; }

        public double SpeechSeconds { get; set; }
    }
}
