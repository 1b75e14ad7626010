using System.Diagnostics;

namespace KonPro.Streaming.TestSupport;

/// <summary>Runs the demo (the README's main command) as a process, as a user would. Linked into every test project (tests/Shared).</summary>
internal static class DemoProcess
{
    /// <summary>Long enough to only bound a wait on a loaded machine, never to measure speed.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    /// <summary>Runs the built demo with <paramref name="arguments"/>; its exit code and its standard output and error.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Assembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Wide enough that no line of the output is wrapped.
        start.Environment["COLUMNS"] = "400";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The demo did not finish within {Bound}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The demo built in the test's own configuration: tools/KonPro.Demo/bin/&lt;configuration&gt;/net10.0/.</summary>
    private static string Assembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        return Path.Combine(RepositoryPaths.Root, "tools", "KonPro.Demo", "bin", configuration, "net10.0", "KonPro.Demo.dll");
    }
}
