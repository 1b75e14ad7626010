using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Tools;

/// <summary>The demo's --llm mode, run as a process, offline with its stand-in model (no model endpoint is contacted).</summary>
public sealed class DemoLlmModeTests
{
    [Fact]
    public async Task The_llm_mode_runs_a_conversation_with_the_stand_in_model_and_a_barge_in_and_exits_0()
    {
        var (exitCode, output) = await DemoProcess.RunAsync("--llm", "--time-scale", "0.1");

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
        var help = await DemoProcess.RunAsync("--help");
        var withoutLlm = await DemoProcess.RunAsync("--llm-url", "http://127.0.0.1:9/v1");
        var badUrl = await DemoProcess.RunAsync("--llm", "--llm-url", "not a url");

        help.Output.Should().Contain("--llm").And.Contain("--llm-url").And.Contain("STAND-IN");
        withoutLlm.ExitCode.Should().Be(2);
        badUrl.ExitCode.Should().Be(2);
    }
}
