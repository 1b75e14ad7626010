using System.Net;
using System.Text.RegularExpressions;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Cli;

/// <content>--https: the ready line names an https URL, standard error the development certificate to trust.</content>
public sealed partial class FakeServerCliTests
{
    [Fact]
    public async Task The_cli_serves_https_with_the_development_certificate_it_names_on_start()
    {
        var folder = Directory.CreateTempSubdirectory("konpro-cli-tls-");
        var start = StartInfo("--port", "0", "--https", "--time-scale", "0.05");
        start.Environment["KONPRO_FAKE_CERT_DIR"] = folder.FullName;
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            var match = HttpsReadyLine().Match(await process.StandardOutput.ReadLineAsync().WaitAsync(Wait) ?? string.Empty);
            match.Success.Should().BeTrue();
            var named = CertificateLine().Match(await process.StandardError.ReadLineAsync().WaitAsync(Wait) ?? string.Empty);
            named.Success.Should().BeTrue("standard error names the certificate to trust");
            named.Groups["path"].Value.Should().Be(Path.Combine(folder.FullName, "konpro-fake-dev.crt"));

            using var trusted = CertificateTrust.FromPem(named.Groups["path"].Value);
            using var http = new HttpClient(CertificateTrust.Handler(trusted)) { BaseAddress = new Uri(match.Groups["url"].Value), Timeout = Wait };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/create_token") { Content = new StringContent("{}") };
            request.Headers.Add("x-api-key", KonProFakeServerOptions.DefaultApiKey);
            using var answer = await http.SendAsync(request);
            answer.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            Signal(process);
            await process.WaitForExitAsync().WaitAsync(Wait);
            folder.Delete(recursive: true);
        }

        process.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task The_cli_refuses_a_certificate_without_https()
    {
        using var process = Start("--port", "0", "--cert", "missing.pfx");
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(Wait);
        await process.WaitForExitAsync().WaitAsync(Wait);

        process.ExitCode.Should().NotBe(0);
        error.Should().Contain("--https");
    }

    [GeneratedRegex(@"^KonPro fake server listening on (?<url>https://127\.0\.0\.1:\d+)$")]
    private static partial Regex HttpsReadyLine();

    [GeneratedRegex(@"^TLS certificate \(trust it in your test client\): (?<path>\S+) \(SHA-256 [0-9A-F]{64}\)$")]
    private static partial Regex CertificateLine();
}
