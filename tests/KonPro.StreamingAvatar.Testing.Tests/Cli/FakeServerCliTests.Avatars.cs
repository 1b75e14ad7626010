using System.Net;
using System.Text.Json;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Cli;

public sealed partial class FakeServerCliTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_cli_serves_the_avatars_of_a_file_beside_or_instead_of_the_defaults(bool replace)
    {
        var file = Path.Combine(RepositoryPaths.Root, "tools", "KonPro.FakeServer", "examples", "nextjs-demo-avatars.json");
        using var process = replace ? Start("--port", "0", "--avatars", file, "--avatars-replace") : Start("--port", "0", "--avatars", file);
        try
        {
            var match = ReadyLine().Match(await process.StandardOutput.ReadLineAsync().WaitAsync(Wait) ?? string.Empty);
            match.Success.Should().BeTrue();
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups["url"].Value), Timeout = Wait };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/streaming/avatars");
            request.Headers.Add("x-api-key", KonProFakeServerOptions.DefaultApiKey);

            using var answer = await http.SendAsync(request);

            answer.StatusCode.Should().Be(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            var ids = body.RootElement.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("avatar_id").GetString()).ToList();
            ids.Should().Contain("Ann_Therapist_public").And.HaveCount(replace ? 5 : 8);
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
    }

    [Fact]
    public async Task The_cli_refuses_avatars_replace_without_a_file()
    {
        using var process = Start("--avatars-replace");

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(2);
        error.Should().Contain("--avatars-replace needs --avatars FILE");
    }
}
