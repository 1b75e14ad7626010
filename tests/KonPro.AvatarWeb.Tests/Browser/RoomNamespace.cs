namespace KonPro.AvatarWeb.Tests.Browser;

/// <summary>
/// Browser tests join the room over WebRTC, which ignores loopback: they run only inside a network namespace made for
/// them (eng/netns-run), never on the machine's own network. Outside one they are skipped, saying why and how to run
/// them; where they must run (<c>KONPRO_ROOM_TESTS=required</c>) that skip is a failure instead.
/// </summary>
internal static class RoomNamespace
{
    public const string Variable = "KONPRO_NETNS_ADDRESS";
    public const string RequiredVariable = "KONPRO_ROOM_TESTS";
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>The namespace's address and Debian's Chromium; skips the test (or fails it, where required) without them.</summary>
    public static string RequireAddressAndBrowser()
    {
        var address = Environment.GetEnvironmentVariable(Variable);
        var reason =
            string.IsNullOrWhiteSpace(address)
                ? $"Browser tests join the room over WebRTC and run only inside a network namespace ({Variable} is not set): " +
                  "`eng/netns-run dotnet test tests/KonPro.AvatarWeb.Tests --no-build --filter Category=Room` (as root, after the build; `.ci/run` does it all)."
                : !File.Exists(Chromium)
                    ? $"Browser tests drive Debian's Chromium ({Chromium} is missing: apt-get install -y chromium; never a downloaded browser)."
                    : null;
        if (reason is null)
        {
            return address!;
        }

        if (string.Equals(Environment.GetEnvironmentVariable(RequiredVariable), "required", StringComparison.Ordinal))
        {
            Assert.Fail($"{reason} {RequiredVariable}=required: this run must run them, so a skip is a failure.");
        }

        throw new SkipException(reason);
    }
}
