namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// Room tests join rooms over WebRTC, which ignores loopback: they run only inside a network namespace made for them
/// (eng/netns-run), never on the machine's own network. Outside one they fail, saying so.
/// </summary>
internal static class RoomNamespace
{
    public const string Variable = "KONPRO_NETNS_ADDRESS";

    /// <summary>The namespace's address (e.g. 10.77.0.1); fails the test when not inside a namespace.</summary>
    public static string RequireAddress()
    {
        var address = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(address))
        {
            Assert.Fail(
                $"Room tests must run inside a network namespace ({Variable} is not set): " +
                "run them through eng/netns-run, e.g. `eng/netns-run dotnet test tests/KonPro.StreamingAvatar.Testing.Tests --no-build " +
                "--filter Category=Room` (as root, after restore, build and the npm installs; .ci/run does it all).");
        }

        return address!;
    }
}
