using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using KonPro.Streaming.Testing.Rest;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing;

/// <summary>What every part of one fake server shares: options, clock, account state, faults, journal.</summary>
internal sealed class FakeServerCore
{
    public FakeServerCore(KonProFakeServerOptions options)
    {
        Options = options;
        Clock = new ScaledClock(options.TimeProvider, options.TimeScale);
        Store = new SessionStore(Clock, options);
        Tokens = new TokenStore(Clock, options);
        Catalog = new AccountCatalog(Clock);
        Faults = new KonProFaults(sessionId => (sessionId is null ? Store.All() : Store.Find(sessionId) is { } one ? [one] : []).SelectMany(s => s.Sockets));
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

    /// <summary>The sessions.</summary>
    public SessionStore Store { get; }

    /// <summary>The API keys and the session tokens issued.</summary>
    public TokenStore Tokens { get; }

    /// <summary>The avatars and knowledge bases.</summary>
    public AccountCatalog Catalog { get; }

    /// <summary>The scripted transcripts of user speech.</summary>
    public Speech.TranscriptQueue Transcripts { get; } = new();

    /// <summary>The avatar's responder of talk tasks; null for the default.</summary>
    public Func<AvatarReplyContext, string>? Responder { get; set; }

    public KonProFaults Faults { get; }

    public KonProJournal Journal { get; }

    public JsonSerializerOptions Json { get; }

    /// <summary>The LiveKit-compatible rooms, when <see cref="KonProFakeRoomOptions.Enabled"/>.</summary>
    public Room.FakeRoomHost? Room { get; set; }

    /// <summary>http://127.0.0.1:PORT (https:// with TLS), once the server listens.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>The base URL of the server's WebSockets: ws://127.0.0.1:PORT, or wss:// with TLS.</summary>
    public string WebSocketBaseUrl => BaseUrl.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + BaseUrl["https://".Length..] : "ws://" + BaseUrl["http://".Length..];

    /// <summary>The TLS certificate, with <see cref="KonProFakeServerOptions.UseHttps"/>.</summary>
    public Tls.ServerCertificate? Certificate { get; init; }

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
        (Responder ?? Speech.DefaultResponder.Reply)(context);
}
