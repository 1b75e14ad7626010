using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KonPro.Streaming;
using KonPro.Streaming.Testing;

namespace ReadmeSamples;

/// <summary>The README's TLS sample for the fake ("The fake KonPro server", "TLS (https and wss)"), run as written.</summary>
public sealed class ReadmeFakeTlsTests : IDisposable
{
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("konpro-readme-tls-");

    [Fact]
    public async Task The_fake_tls_sample_runs_a_session_over_https_and_wss_trusting_the_development_certificate_in_the_test_only()
    {
        var options = new KonProFakeServerOptions { UseHttps = true, DevelopmentCertificateDirectory = _certificates.FullName, TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) };
        // README:fake-tls
        await using var server = await KonProFakeServer.StartAsync(options);
        using var trusted = X509CertificateLoader.LoadCertificate(File.ReadAllBytes(server.CertificatePemPath!));
        bool TrustTheFake(X509Certificate? certificate, SslPolicyErrors errors) => errors == SslPolicyErrors.None
            || errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate?.GetCertHashString() == trusted.Thumbprint;

        // In the test's clients only: the code under test keeps the platform's validation.
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => TrustTheFake(certificate, errors) });
        var config = new StreamingAvatarApiConfig { Token = await server.CreateSessionTokenAsync(), BasePath = server.Url };
        await using var avatar = new StreamingAvatar(config, http, new StreamingAvatarOptions
        {
            ConfigureChatSocket = socket => socket.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustTheFake(certificate, errors),
        });
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        // README:end

        avatar.CurrentState.Should().Be(SessionState.Connected);
        server.Url.Should().StartWith("https://");
        ReadmeSnippets.ShouldAppearUnder("fake-tls", "ReadmeFakeTlsTests.cs", "The fake KonPro server");
    }

    public void Dispose() => _certificates.Delete(recursive: true);
}
