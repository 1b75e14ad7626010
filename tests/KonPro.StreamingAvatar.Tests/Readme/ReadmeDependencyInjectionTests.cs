using KonPro.Streaming;
using KonPro.Streaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ReadmeSamples;

/// <summary>The README's dependency-injection section is this code, run on the generic host against the fake.</summary>
public sealed class ReadmeDependencyInjectionTests
{
    [Fact]
    public async Task The_dependency_injection_sample_runs_on_the_generic_host()
    {
        await using var server = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) });
        var settings = new Dictionary<string, string?>
        {
            ["KonPro:BasePath"] = server.Url,
            ["KonPro:ApiKey"] = server.ApiKey,
            ["KonPro:AutoKeepAlive"] = "true",
        };

        var state = await RunAsync(settings);

        state.Should().Be(SessionState.Connected);
        server.Journal.RestCalls.Select(c => c.OperationId).Should().ContainInOrder("createToken", "newSession", "startSession", "stopSession");
    }

    [Fact]
    public void The_README_shows_the_dependency_injection_sample_verbatim() =>
        ReadmeSnippets.ShouldAppearUnder("di", "ReadmeDependencyInjectionTests.cs", "Dependency injection");

    private static async Task<SessionState> RunAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        // README:di
        // appsettings.json: { "KonPro": { "ApiKey": "<key>", "AutoKeepAlive": true } }
        builder.Services.AddKonProStreamingAvatar(builder.Configuration.GetSection("KonPro"));
        using var host = builder.Build();

        // The admin client (a singleton the container owns) mints a token; the factory makes one avatar per session.
        var admin = host.Services.GetRequiredService<KonProAdminClient>();
        var avatars = host.Services.GetRequiredService<IStreamingAvatarFactory>();
        await using var avatar = avatars.Create(await admin.CreateTokenAsync());
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { AvatarName = "default" });
        // README:end
        var state = avatar.CurrentState;
        await avatar.StopAvatarAsync();
        return state;
    }
}
