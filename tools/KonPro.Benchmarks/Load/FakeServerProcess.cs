using System.Diagnostics;
using System.Globalization;

namespace KonPro.Benchmarks.Load;

/// <summary>
/// The fake server in a process of its own (tools/KonPro.FakeServer), so that the load run's managed memory is
/// the SDK's alone.
/// </summary>
internal sealed class FakeServerProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "KonPro fake server listening on ";
    private readonly Process _process;

    private FakeServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Starts the fake.</summary>
    /// <param name="timeScale">The fake's time scale.</param>
    /// <param name="maxSessions">Concurrent sessions per API key.</param>
    /// <param name="apiKey">The accepted API key.</param>
    /// <param name="sessionDurationLimit">The sessions' maximum age in the fake's time (scaled by <paramref name="timeScale"/>).</param>
    /// <param name="arguments">More command-line options, e.g. <c>--room</c>.</param>
    public static async Task<FakeServerProcess> StartAsync(double timeScale, int maxSessions, string apiKey, TimeSpan sessionDurationLimit, IEnumerable<string>? arguments = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(LocateServer());
        foreach (var argument in new[]
        {
            "--port", "0", "--no-admin", "--api-key", apiKey,
            "--time-scale", timeScale.ToString(CultureInfo.InvariantCulture),
            "--max-sessions", maxSessions.ToString(CultureInfo.InvariantCulture),
            "--session-duration-limit", ((int)Math.Ceiling(sessionDurationLimit.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        }.Concat(arguments ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the fake server.");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("The fake server exited before it was ready.");
        if (!line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"Unexpected first line from the fake server: {line}");
        }

        return new FakeServerProcess(process, line[ReadyPrefix.Length..].Trim());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string LocateServer()
    {
        // The benchmarks run from tools/KonPro.Benchmarks/bin/<configuration>/net10.0/; the server is built beside them.
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var tools = here.Parent.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(tools, "KonPro.FakeServer", "bin", configuration, "net10.0", "KonPro.FakeServer.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"Build tools/KonPro.FakeServer ({configuration}) first.", dll);
    }
}
