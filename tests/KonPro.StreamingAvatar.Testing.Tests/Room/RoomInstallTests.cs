namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// The room program's first-use install, with a stand-in for npm (a shell script that logs its calls): it says what it
/// does and how long it took, and without a registry in reach it fails at once instead of waiting for npm's retries.
/// No registry is ever contacted and no room starts.
/// </summary>
public sealed class RoomInstallTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("konpro-room-install-");

    [Fact]
    public async Task A_first_install_says_that_it_installs_and_how_long_it_took_and_a_second_says_nothing()
    {
        var npm = FakeNpm("""
            case "$1" in
              ci) mkdir -p node_modules; exit 0 ;;
              *) exit 3 ;;
            esac
            """);
        var options = new KonProFakeRoomOptions { NpmPath = npm, CacheDirectory = Path.Combine(_folder.FullName, "cache") };
        var lines = new List<string>();

        var folder = await KonProFakeServer.InstallRoomAsync(options, new Lines(lines));
        var again = await KonProFakeServer.InstallRoomAsync(options, new Lines(lines));

        lines.Should().HaveCount(2);
        lines[0].Should().Contain("Installing the fake LiveKit room's dependencies").And.Contain(folder).And.Contain("--install-room");
        lines[1].Should().MatchRegex(@"^Installed the fake LiveKit room's dependencies in \d+\.\d s\.$");
        again.Should().Be(folder);
        Calls().Should().Equal("ci --omit=dev --ignore-scripts --no-audit --no-fund --offline");
    }

    [Fact]
    public async Task Without_the_packages_cached_and_no_registry_in_reach_the_install_fails_at_once_naming_install_room()
    {
        var npm = FakeNpm("""
            case "$1" in
              ci) echo "npm error code ENOTCACHED" >&2; exit 1 ;;
              ping) echo "npm notice PING http://127.0.0.1:9/" >&2; echo "npm error code ECONNREFUSED" >&2; exit 1 ;;
              *) exit 3 ;;
            esac
            """);
        var options = new KonProFakeRoomOptions { NpmPath = npm, CacheDirectory = Path.Combine(_folder.FullName, "cache") };

        var install = () => KonProFakeServer.InstallRoomAsync(options, new Lines([]));

        var error = (await install.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain("npm registry cannot be reached").And.Contain("ECONNREFUSED").And.Contain("--install-room")
            .And.Contain(options.CacheDirectory);
        Calls().Should().Equal(
            ["ci --omit=dev --ignore-scripts --no-audit --no-fund --offline", "ping --fetch-retries=0 --fetch-timeout=5000"],
            "the install proper (npm's minutes of retries) is never tried");
    }

    [Fact]
    public async Task With_a_registry_in_reach_an_install_the_cache_cannot_serve_goes_to_it()
    {
        var npm = FakeNpm("""
            case "$1" in
              ci) if [ "$6" = "--offline" ]; then echo "npm error code ENOTCACHED" >&2; exit 1; fi; mkdir -p node_modules; exit 0 ;;
              ping) echo "npm notice PING ok" >&2; exit 0 ;;
              *) exit 3 ;;
            esac
            """);
        var options = new KonProFakeRoomOptions { NpmPath = npm, CacheDirectory = Path.Combine(_folder.FullName, "cache") };

        await KonProFakeServer.InstallRoomAsync(options, new Lines([]));

        Calls().Should().Equal(
            "ci --omit=dev --ignore-scripts --no-audit --no-fund --offline",
            "ping --fetch-retries=0 --fetch-timeout=5000",
            "ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private string FakeNpm(string body)
    {
        var path = Path.Combine(_folder.FullName, "npm");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$*\" >> '{Path.Combine(_folder.FullName, "calls.log")}'\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private string[] Calls() => File.ReadAllLines(Path.Combine(_folder.FullName, "calls.log"));

    private sealed class Lines(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
