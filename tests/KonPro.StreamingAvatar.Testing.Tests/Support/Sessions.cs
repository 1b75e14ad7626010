using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Tests.Support;

/// <summary>A fake session on its own, without a server, for the tests of what sits on one (its outbox, its players).</summary>
internal static class Sessions
{
    public static FakeSession New(TimeProvider? time = null)
    {
        var options = new KonProFakeServerOptions();
        var settings = new FakeSessionSettings("s-1", options.ApiKeys[0], "api_key", "default", null, 1, null, null, 120, DisableIdleTimeout: true, SilenceResponse: false);
        return new FakeSession(settings, new ScaledClock(time ?? TimeProvider.System, 1), options, (_, _, _) => { });
    }
}
