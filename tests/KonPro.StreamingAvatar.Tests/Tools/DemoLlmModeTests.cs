using System.Diagnostics;

namespace KonPro.Streaming.Tests.Tools;

/// <summary>The demo's --llm mode, run as a process, offline with its stand-in model (no model endpoint is contacted).</summary>
public sealed class DemoLlmModeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_llm_mode_runs_a_conversation_with_the_stand_in_model_and_a_barge_in_and_exits_0()
    {
        var (exitCode, output) = await RunDemoAsync("--llm", "--time-scale", "0.1");

        exitCode.Should().Be(0, output);
        output.Should().Contain("stand-in model (deterministic, offline; not an LLM)")
            .And.Contain("user (typed) Hello, who are you?")
            .And.Contain("user (voice) What is the weather like?")
            .And.Contain("interrupted")
            .And.Contain("LLM demo finished: every step succeeded.");
    }

    [Fact]
    public async Task Llm_options_are_explained_and_checked()
    {
        var help = await RunDemoAsync("--help");
        var withoutLlm = await RunDemoAsync("--llm-url", "http://127.0.0.1:9/v1");
        var badUrl = await RunDemoAsync("--llm", "--llm-url", "not a url");

        help.Output.Should().Contain("--llm").And.Contain("--llm-url").And.Contain("STAND-IN");
        withoutLlm.ExitCode.Should().Be(2);
        badUrl.ExitCode.Should().Be(2);
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
