namespace KonPro.Streaming.Testing.Tests.Support;

internal static class Servers
{
    /// <summary>A fake fifty times faster than real time, on a free port.</summary>
    public static Task<KonProFakeServer> StartAsync(Action<KonProFakeServerOptions>? configure = null)
    {
        // 50 times faster than real time; sessions may live 72 s of real time unless a test says otherwise.
        var options = new KonProFakeServerOptions { TimeScale = 0.02, SessionDurationLimit = TimeSpan.FromHours(1) };
        configure?.Invoke(options);
        return KonProFakeServer.StartAsync(options);
    }
}
