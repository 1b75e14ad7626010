using System.Diagnostics;

namespace KonPro.Streaming.Tests.Tools;

/// <summary>The demo, the README's main command, run as a process the way a new user runs it.</summary>
public sealed class DemoProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_demo_runs_the_scripted_conversation_against_the_embedded_fake_and_exits_0()
    {
        var (exitCode, output) = await RunDemoAsync("--time-scale", "0.1");

        exitCode.Should().Be(0, output);
        output.Should().Contain("Demo finished: every step succeeded.")
            .And.Contain("avatar Welcome to the KonPro streaming avatar demo.")
            .And.Contain("user   Tell me something nice.")
            .And.Contain("Interrupt it")
            .And.Contain("avatar_talking_message");
        output.Should().NotContain("konpro-dev-key", "the API key never appears in the output");
    }

    [Fact]
    public async Task Help_explains_the_options_and_bad_arguments_exit_2()
    {
        var help = await RunDemoAsync("--help");
        var bad = await RunDemoAsync("--no-such-option");

        help.ExitCode.Should().Be(0);
        help.Output.Should().Contain("--base-url").And.Contain("--api-key").And.Contain("--token");
        bad.ExitCode.Should().Be(2);
    }

    private static async Task<(int ExitCode, string Output)> RunDemoAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DemoAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

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

    private static string DemoAssembly()
    {
        // tests/KonPro.Streaming.Tests/bin/<configuration>/net10.0/ -> tools/KonPro.Demo/bin/<configuration>/net10.0/
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "tools", "KonPro.Demo", "bin", configuration, "net10.0", "KonPro.Demo.dll");
    }
}
