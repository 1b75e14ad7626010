using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// Outside a network namespace a bare <c>dotnet test</c> reports the room tests as skipped (with the reason and the
/// command that runs them), never as failed; where they must run (CI, <c>eng/test</c>) the same skip is a failure.
/// </summary>
public sealed class RoomNamespaceTests
{
    [Fact]
    public void Inside_a_namespace_a_room_test_gets_its_address()
    {
        RoomNamespace.RequireAddress("10.77.0.1", "required").Should().Be("10.77.0.1");
    }

    [Fact]
    public void Outside_a_namespace_a_room_test_is_skipped_with_the_reason_and_the_command_that_runs_it()
    {
        var act = () => RoomNamespace.RequireAddress(address: null, required: null);

        act.Should().Throw<Xunit.SkipException>()
            .Which.Message.Should().Contain("network namespace").And.Contain("`eng/test`").And.Contain("eng/netns-run dotnet test tests/KonPro.StreamingAvatar.Testing.Tests ");
    }

    [Fact]
    public void Outside_a_namespace_where_room_tests_are_required_the_skip_is_a_failure()
    {
        var act = () => RoomNamespace.RequireAddress(address: "", required: "required");

        act.Should().Throw<Xunit.Sdk.FailException>().Which.Message.Should().Contain("KONPRO_ROOM_TESTS=required");
    }

    [Fact]
    public void The_READMEs_test_command_is_the_one_CI_runs()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var ci = File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".ci", "run"));
        var twoCommands = readme[readme.IndexOf("## Two commands", StringComparison.Ordinal)..readme.IndexOf("## Quick start", StringComparison.Ordinal)];

        twoCommands.Should().Contain("\neng/test ", "the README's second command runs every test, the room tests included");
        ci.Should().MatchRegex(@"(?m)^\s*eng/test ", "CI runs the README's test command");
        File.ReadAllText(Path.Combine(RepositoryPaths.Root, "eng", "test")).Should().Contain("exec eng/netns-run dotnet test");
    }
}
