using System.Net;

namespace KonPro.Streaming.Testing.Tests.Cli;

/// <content>The tool's record (<c>--proxy --record</c>) and replay (<c>--replay</c>) modes.</content>
public sealed partial class FakeServerCliTests
{
    [Fact]
    public async Task The_cli_records_through_the_proxy_and_replays_the_recording()
    {
        var directory = Path.Combine(Path.GetTempPath(), "konpro-cli-recording-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var upstream = await KonProFakeServer.StartAsync())
            {
                var recorded = await WithCliAsync(["--port", "0", "--proxy", upstream.Url, "--record", directory], CreateTokenAsync);
                recorded.Status.Should().Be(HttpStatusCode.OK, recorded.Text);
            }

            var replayed = await WithCliAsync(["--port", "0", "--replay", directory], CreateTokenAsync);
            var missing = await WithCliAsync(["--port", "0", "--replay", directory], http => PostAsync(http, "/v1/streaming/keep_alive", "{\"session_id\":\"nope\"}"));

            replayed.Status.Should().Be(HttpStatusCode.OK, replayed.Text);
            replayed.Text.Should().Contain("\"token\":\"replay_");
            missing.Status.Should().Be(HttpStatusCode.NotFound);
            missing.Text.Should().Contain("RESOURCE_NOT_FOUND").And.Contain("POST /v1/streaming/keep_alive");
            Directory.EnumerateFiles(Path.Combine(directory, "mappings")).Select(File.ReadAllText).Should().ContainSingle()
                .Which.Should().NotContain(KonProFakeServerOptions.DefaultApiKey).And.NotContain("st_");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("--proxy", "http://127.0.0.1:1")]
    [InlineData("--record", "somewhere")]
    [InlineData("--replay", "/no/such/recording")]
    public async Task The_cli_rejects_an_incomplete_record_or_replay(string option, string value)
    {
        using var process = Start(option, value);

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(2);
        error.Should().Contain(option);
    }

    [Fact]
    public async Task The_cli_help_names_record_and_replay()
    {
        using var process = Start("--help");

        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        output.Should().Contain("--proxy").And.Contain("--record").And.Contain("--replay");
    }

    private static Task<(HttpStatusCode Status, string Text)> CreateTokenAsync(HttpClient http) =>
        PostAsync(http, "/v1/streaming/create_token", "{}");

    private static async Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient http, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json) };
        request.Headers.Add("x-api-key", KonProFakeServerOptions.DefaultApiKey);
        using var answer = await http.SendAsync(request);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }

    // Starts the tool, runs one exchange against it, stops it (SIGTERM) and checks it exited cleanly.
    private static async Task<T> WithCliAsync<T>(string[] args, Func<HttpClient, Task<T>> exchange)
    {
        using var process = Start(args);
        T result;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Wait);
            var match = ReadyLine().Match(line ?? string.Empty);
            match.Success.Should().BeTrue(line);
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups["url"].Value), Timeout = Wait };
            result = await exchange(http);
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
        process.ExitCode.Should().Be(0);
        return result;
    }
}
