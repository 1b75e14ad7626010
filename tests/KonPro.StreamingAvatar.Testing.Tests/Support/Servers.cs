namespace KonPro.StreamingAvatar.Testing.Tests.Support;

internal static class Servers
{
    /// <summary>A fake fifty times faster than real time, on a free port.</summary>
    public static Task<KonProFakeServer> StartAsync(Action<KonProFakeServerOptions>? configure = null)
    {
        var options = new KonProFakeServerOptions { TimeScale = 0.02 };
        configure?.Invoke(options);
        return KonProFakeServer.StartAsync(options);
    }
}
