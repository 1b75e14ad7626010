using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Tools;

/// <summary>The demo, the README's main command, run as a process the way a new user runs it.</summary>
public sealed class DemoProcessTests
{
    [Fact]
    public async Task The_demo_runs_the_scripted_conversation_against_the_embedded_fake_and_exits_0()
    {
        var (exitCode, output) = await DemoProcess.RunAsync("--time-scale", "0.1");

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
        var help = await DemoProcess.RunAsync("--help");
        var bad = await DemoProcess.RunAsync("--no-such-option");

        help.ExitCode.Should().Be(0);
        help.Output.Should().Contain("--base-url").And.Contain("--api-key").And.Contain("--token");
        bad.ExitCode.Should().Be(2);
    }
}
