namespace KonPro.Streaming.TestSupport;

/// <summary>
/// Room tests join rooms over WebRTC, which ignores loopback: they run only inside a network namespace made for them
/// (eng/netns-run, which <c>eng/test</c> uses), never on the machine's own network. Outside one they are skipped, saying
/// why and how to run them; where they must run (<c>KONPRO_ROOM_TESTS=required</c>, as CI and <c>eng/test</c> set it)
/// that skip is a failure instead. One rule for every test project with room tests (linked from tests/SharedRooms);
/// the skip message names the project it runs in.
/// </summary>
internal static class RoomNamespace
{
    public const string Variable = "KONPRO_NETNS_ADDRESS";
    public const string RequiredVariable = "KONPRO_ROOM_TESTS";

    // The test project this file is compiled into, whose folder under tests/ has its name.
    private static readonly string TestProject = typeof(RoomNamespace).Assembly.GetName().Name!;

    /// <summary>The namespace's address; skips the test (or fails it, where required) when not inside a namespace.</summary>
    public static string RequireAddress() =>
        RequireAddress(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable(RequiredVariable));

    /// <summary>The rule, on the two variables' values: the address, else a skip, else (where required) a failure.</summary>
    public static string RequireAddress(string? address, string? required)
    {
        if (!string.IsNullOrWhiteSpace(address))
        {
            return address;
        }

        var reason =
            $"Room tests join rooms over WebRTC and run only inside a network namespace ({Variable} is not set). " +
            "Run every test with `eng/test` (it makes the namespace: rootless where the kernel allows user namespaces, else as root), " +
            $"or these alone with `eng/netns-run dotnet test tests/{TestProject} --no-build --filter Category=Room`.";
        if (string.Equals(required, "required", StringComparison.Ordinal))
        {
            Assert.Fail($"{reason} {RequiredVariable}=required: this run must run them, so a skip is a failure.");
        }

        throw new SkipException(reason);
    }
}
