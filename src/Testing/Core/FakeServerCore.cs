using System.Text.Json;
using KonPro.Streaming.Testing.Core;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Testing;

/// <summary>
/// What every part of one fake server shares: options, clock, account state (sessions, tokens, catalog), faults,
/// journal, logger. It holds no channel (chat socket, room, realtime socket) and no behaviour: those sit above it and
/// take it, so that nothing below them reaches back up.
/// </summary>
internal sealed class FakeServerCore
{
    /// <param name="options">The server's settings.</param>
    /// <param name="chatSockets">The open chat sockets of one session (or of every session, for null), for the faults.</param>
    public FakeServerCore(KonProFakeServerOptions options, Func<string?, IEnumerable<IChatFaultTarget>> chatSockets)
    {
        Options = options;
        Clock = new ScaledClock(options.TimeProvider, options.TimeScale);
        Store = new SessionStore(Clock, options);
        Tokens = new TokenStore(Clock, options);
        Json = WireJson.CreateOptions();
        Catalog = new AccountCatalog(Clock, options, Json);
        Faults = new KonProFaults(chatSockets);
        Journal = new KonProJournal(options.MaxJournalEntries);
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("KonPro.StreamingAvatar.Testing");
    }

    public ILogger Logger { get; }

    public KonProFakeServerOptions Options { get; }

    public ScaledClock Clock { get; }

    /// <summary>The sessions.</summary>
    public SessionStore Store { get; }

    /// <summary>The API keys and the session tokens issued.</summary>
    public TokenStore Tokens { get; }

    /// <summary>The avatars and knowledge bases.</summary>
    public AccountCatalog Catalog { get; }

    public KonProFaults Faults { get; }

    public KonProJournal Journal { get; }

    public JsonSerializerOptions Json { get; }

    /// <summary>http://127.0.0.1:PORT (https:// with TLS), once the server listens.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>The base URL of the server's WebSockets: ws://127.0.0.1:PORT, or wss:// with TLS.</summary>
    public string WebSocketBaseUrl => BaseUrl.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + BaseUrl["https://".Length..] : "ws://" + BaseUrl["http://".Length..];

    /// <summary>
    /// The one close path of a session (stop, idle timeout, duration limit): the session tells the channels subscribed
    /// to it (the speaker stops, the chat sockets and the room close), and the close is logged.
    /// </summary>
    public void Close(FakeSession session, int status, string reason)
    {
        if (session.TryClose(status, reason))
        {
            Log.SessionClosed(Logger, session.Id, status, reason);
        }
    }
}
