using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using KonPro.StreamingAvatar.Testing.Rest;
using KonPro.StreamingAvatar.Testing.Sessions;
using KonPro.StreamingAvatar.Testing.Time;

namespace KonPro.StreamingAvatar.Testing;

/// <summary>What every part of one fake server shares: options, clock, account state, faults, journal.</summary>
internal sealed class FakeServerCore
{
    public FakeServerCore(KonProFakeServerOptions options)
    {
        Options = options;
        Clock = new ScaledClock(options.TimeProvider, options.TimeScale);
        Store = new SessionStore(Clock, options);
        Faults = new KonProFaults { Sessions = Store };
        Journal = new KonProJournal(options.MaxJournalEntries);
        Json = WireJson.CreateOptions();
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("KonPro.StreamingAvatar.Testing");
        RealtimeAudio = new Realtime.RealtimeAudioHub(this);
    }

    /// <summary>The sessions' realtime audio sockets.</summary>
    public Realtime.RealtimeAudioHub RealtimeAudio { get; }

    public ILogger Logger { get; }

    public KonProFakeServerOptions Options { get; }

    public ScaledClock Clock { get; }

    public SessionStore Store { get; }

    public KonProFaults Faults { get; }

    public KonProJournal Journal { get; }

    public JsonSerializerOptions Json { get; }

    /// <summary>The LiveKit-compatible rooms, when <see cref="KonProFakeRoomOptions.Enabled"/>.</summary>
    public Room.FakeRoomHost? Room { get; set; }

    /// <summary>http://127.0.0.1:PORT, once the server listens.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Closes a session (stop, idle timeout, duration limit) and logs it.</summary>
    public void Close(Sessions.FakeSession session, int status, string reason)
    {
        if (session.TryClose(status, reason))
        {
            session.Room?.Close();
            Log.SessionClosed(Logger, session.Id, status, reason);
        }
    }

    public string Reply(AvatarReplyContext context) =>
        (Store.Responder ?? Speech.DefaultResponder.Reply)(context);
}
