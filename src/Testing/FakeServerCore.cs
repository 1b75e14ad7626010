using System.Text.Json;
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
        Json = WireJson.CreateOptions();
    }

    public KonProFakeServerOptions Options { get; }

    public ScaledClock Clock { get; }

    public SessionStore Store { get; }

    public KonProFaults Faults { get; }

    public KonProJournal Journal { get; } = new();

    public JsonSerializerOptions Json { get; }

    /// <summary>http://127.0.0.1:PORT, once the server listens.</summary>
    public string BaseUrl { get; set; } = string.Empty;

    public string Reply(AvatarReplyContext context) =>
        (Store.Responder ?? Speech.DefaultResponder.Reply)(context);
}
