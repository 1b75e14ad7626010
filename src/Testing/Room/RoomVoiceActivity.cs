using System.Collections.Concurrent;
using System.Globalization;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Speech;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// A microphone published in a session's room is voice chat, whichever participant publishes it (the user's browser
/// or an agent): each published audio track gets its own voice activity detector, fed with the levels the room
/// measures, and drives the avatar as audio on the chat socket does: <c>user_start</c>, <c>user_stop</c>, then the
/// utterance's transcript (the next scripted one, <see cref="KonProFakeServer.EnqueueTranscript"/>, or
/// <c>[speech N s]</c>) as the user's words.
/// </summary>
internal sealed class RoomVoiceActivity(FakeServerCore core, AvatarBehaviour avatar)
{
    private readonly ConcurrentDictionary<(string Session, string Identity, string Track), VoiceActivityDetector> _detectors = new();

    /// <summary>
    /// One window of a published track's audio, as measured by the room. Called from the room's one report reader,
    /// so windows of a track arrive in order and never concurrently.
    /// </summary>
    /// <param name="sessionId">The session whose room it is.</param>
    /// <param name="identity">The participant that publishes the track.</param>
    /// <param name="track">The track's sid.</param>
    /// <param name="rms">The window's level, 0 to 1 of full scale.</param>
    /// <param name="samples">The window's length in samples (per channel).</param>
    /// <param name="sampleRate">The samples' rate.</param>
    public void OnAudio(string sessionId, string identity, string track, double rms, long samples, int sampleRate)
    {
        if (core.Store.Find(sessionId) is not { } session || session.Phase == SessionPhase.Closed)
        {
            return;
        }

        var detector = _detectors.GetOrAdd(
            (sessionId, identity, track),
            static (_, options) => new VoiceActivityDetector(options.VoiceActivityThreshold, options.UtteranceEndSilence),
            core.Options);
        switch (detector.Process(rms * 32768, samples, sampleRate))
        {
            case VoiceActivity.Started:
                avatar.UserStarted(session);
                break;
            case VoiceActivity.Stopped:
                avatar.UserStopped(session);
                var transcript = core.Transcripts.TryDequeueTranscript(session.Id, out var queued)
                    ? queued
                    : string.Create(CultureInfo.InvariantCulture, $"[speech {detector.LastUtterance.TotalSeconds:0.0} s]");
                avatar.UserSaid(session, transcript, alwaysAnswer: false);
                break;
            default:
                break;
        }
    }

    /// <summary>A participant left the room: its tracks' detectors go with it.</summary>
    public void OnLeft(string sessionId, string identity)
    {
        foreach (var key in _detectors.Keys)
        {
            if (key.Session == sessionId && key.Identity == identity)
            {
                _detectors.TryRemove(key, out _);
            }
        }
    }
}
