using System.Net;
using KonPro.Streaming.Testing.Tests.Cors;

namespace KonPro.Streaming.Testing.Tests.Cli;

public sealed partial class FakeServerCliTests
{
    [Theory]
    [InlineData(null, "http://page.konpro-test.invalid", true)]
    [InlineData("http://page.konpro-test.invalid:8080,http://page.konpro-test.invalid", "http://page.konpro-test.invalid", true)]
    [InlineData("http://page.konpro-test.invalid:8080", "http://page.konpro-test.invalid", false)]
    [InlineData("none", "http://page.konpro-test.invalid", false)]
    public async Task The_cli_answers_pages_of_the_origins_it_is_given(string? origins, string page, bool allowed)
    {
        using var process = origins is null ? Start("--port", "0") : Start("--port", "0", "--cors-origins", origins);
        try
        {
            var match = ReadyLine().Match(await process.StandardOutput.ReadLineAsync().WaitAsync(Wait) ?? string.Empty);
            match.Success.Should().BeTrue();
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups["url"].Value), Timeout = Wait };
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/streaming/create_token");
            preflight.Headers.Add("Origin", page);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "x-api-key,content-type");

            using var answer = await http.SendAsync(preflight);

            CorsTests.Header(answer, "Access-Control-Allow-Origin").Should().Be(allowed ? page : null);
            answer.StatusCode.Should().Be(origins == "none" ? HttpStatusCode.Unauthorized : HttpStatusCode.NoContent);
        }
        finally
        {
            Signal(process);
        }

        await process.WaitForExitAsync().WaitAsync(Wait);
    }

    [Fact]
    public async Task The_cli_refuses_an_origin_that_is_not_one()
    {
        using var process = Start("--port", "0", "--cors-origins", "localhost:3000");

        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().Be(1);
        error.Should().Contain("'localhost:3000' is not an origin");
    }
}
