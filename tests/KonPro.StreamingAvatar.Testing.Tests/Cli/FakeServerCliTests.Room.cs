namespace KonPro.Streaming.Testing.Tests.Cli;

public sealed partial class FakeServerCliTests
{
    [Fact]
    public async Task Without_the_room_installed_and_no_registry_in_reach_room_fails_saying_so_and_naming_install_room()
    {
        // An empty install cache and an empty npm cache, npm pointed at a closed loopback port: nothing can reach a
        // registry, and nothing is installed. (No room starts: the install fails first.)
        var cache = Directory.CreateTempSubdirectory("konpro-room-cache-");
        var npmCache = Directory.CreateTempSubdirectory("konpro-npm-cache-");
        try
        {
            using var process = Start(
                new Dictionary<string, string>
                {
                    ["KONPRO_FAKE_LIVEKIT_CACHE"] = cache.FullName,
                    ["npm_config_registry"] = "http://127.0.0.1:9/",
                    ["npm_config_cache"] = npmCache.FullName,
                },
                "--port", "0", "--room");

            var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync().WaitAsync(Wait);

            process.ExitCode.Should().Be(1, error);
            error.Should().Contain("Installing the fake LiveKit room's dependencies", "a first use says that it installs")
                .And.Contain("npm registry cannot be reached").And.Contain("--install-room").And.Contain("ECONNREFUSED");
            (await process.StandardOutput.ReadToEndAsync()).Should().BeEmpty("standard output carries only the ready line");
        }
        finally
        {
            cache.Delete(recursive: true);
            npmCache.Delete(recursive: true);
        }
    }
}
