using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KonPro.Streaming.Testing.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Tls;

/// <summary>
/// <see cref="KonProFakeServerOptions.UseHttps"/>: REST, the chat socket and the realtime socket over TLS, with a
/// development certificate created on first use and exported as PEM for a client to trust (each test trusts it in its
/// own client only), or a certificate of the caller's.
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("konpro-tls-test-");

    [Fact]
    public async Task The_development_certificate_is_created_exported_and_serves_REST_the_chat_socket_and_the_realtime_socket()
    {
        await using var server = await KonProFakeServer.StartAsync(Options());

        server.Url.Should().StartWith("https://127.0.0.1:");
        server.ChatUrl.Scheme.Should().Be("wss");
        server.CertificatePemPath.Should().Be(Path.Combine(_folder.FullName, "konpro-fake-dev.crt"));
        var exported = CertificateTrust.FromPem(server.CertificatePemPath!);
        exported.Thumbprint.Should().Be(server.Certificate!.Thumbprint);
        var names = exported.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        names.EnumerateDnsNames().Should().Contain("localhost");
        names.EnumerateIPAddresses().Should().Contain([IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.77.0.1")]);
        exported.HasPrivateKey.Should().BeFalse("the exported file is what clients trust: the public part only");

        // REST, trusting the exported certificate in this client only.
        using var api = new ApiClient(server, CertificateTrust.Handler(exported));
        var token = await api.CreateTokenAsync();
        var created = await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer(token));
        created.Status.Should().Be(HttpStatusCode.OK, created.Text);
        var sessionId = created.Data.GetProperty("session_id").GetString()!;
        (await api.PostAsync("/v1/streaming/start", new { session_id = sessionId }, Credential.Bearer(token))).Status.Should().Be(HttpStatusCode.OK);

        // The chat socket over wss: a typed message is answered.
        await using var chat = await ChatClient.ConnectAsync(server, sessionId, token);
        await chat.SendTypedAsync("hello over TLS");
        await chat.WaitForAsync("avatar_stop_talking");

        // The realtime socket over wss.
        var realtime = new Uri(created.Data.GetProperty("realtime_endpoint").GetString()!);
        realtime.Scheme.Should().Be("wss");
        using var socket = new ClientWebSocket();
        socket.Options.RemoteCertificateValidationCallback = CertificateTrust.Only(exported);
        await socket.ConnectAsync(realtime, CancellationToken.None).WaitAsync(ChatClient.Wait);
        var buffer = new byte[4096];
        var first = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(ChatClient.Wait);
        Encoding.UTF8.GetString(buffer, 0, first.Count).Should().Contain("session.state_updated");
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_is_refused_by_its_own_validation()
    {
        await using var server = await KonProFakeServer.StartAsync(Options());
        using var http = new HttpClient();

        var call = () => http.PostAsync(server.Url + "/v1/streaming/create_token", JsonContent.Create(new { }));

        (await call.Should().ThrowAsync<HttpRequestException>()).WithInnerException<AuthenticationException>();
    }

    [Fact]
    public async Task Later_servers_reuse_the_kept_certificate_and_one_that_expires_soon_is_replaced()
    {
        string first;
        await using (var server = await KonProFakeServer.StartAsync(Options()))
        {
            first = server.Certificate!.Thumbprint;
        }

        await using (var again = await KonProFakeServer.StartAsync(Options()))
        {
            again.Certificate!.Thumbprint.Should().Be(first, "the development certificate is created once and kept");
        }

        var late = Options();
        var clock = new ManualTimeProvider();
        clock.Advance(DateTimeOffset.UtcNow.AddYears(1).AddDays(-3) - clock.GetUtcNow());
        late.TimeProvider = clock;
        await using var renewed = await KonProFakeServer.StartAsync(late);
        renewed.Certificate!.Thumbprint.Should().NotBe(first, "a certificate that expires within a week is made anew");
        CertificateTrust.FromPem(renewed.CertificatePemPath!).Thumbprint.Should().Be(renewed.Certificate.Thumbprint);
    }

    [Theory]
    [InlineData("pfx")]
    [InlineData("pem")]
    public async Task A_certificate_of_the_callers_own_is_served(string format)
    {
        using var own = OwnCertificate();
        var path = Path.Combine(_folder.FullName, "own." + format);
        if (format == "pfx")
        {
            await File.WriteAllBytesAsync(path, own.Export(X509ContentType.Pkcs12, "secret"));
        }
        else
        {
            await File.WriteAllTextAsync(path, own.ExportCertificatePem() + "\n" + own.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }

        var options = new KonProFakeServerOptions { UseHttps = true, CertificatePath = path, CertificatePassword = format == "pfx" ? "secret" : null };
        await using var server = await KonProFakeServer.StartAsync(options);

        server.Certificate!.Thumbprint.Should().Be(own.Thumbprint);
        using var api = new ApiClient(server, CertificateTrust.Handler(own));
        (await api.PostAsync("/v1/streaming/create_token", new { })).Status.Should().Be(HttpStatusCode.OK);
        Directory.EnumerateFiles(_folder.FullName, "konpro-fake-dev.*").Should().BeEmpty("no development certificate is made");
    }

    [Fact]
    public async Task Options_that_name_a_certificate_without_https_or_a_missing_file_are_refused()
    {
        await FluentActions.Awaiting(() => KonProFakeServer.StartAsync(new KonProFakeServerOptions { CertificatePath = "x.pfx" }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*UseHttps*");
        await FluentActions.Awaiting(() => KonProFakeServer.StartAsync(new KonProFakeServerOptions { UseHttps = true, CertificatePath = Path.Combine(_folder.FullName, "missing.pfx") }))
            .Should().ThrowAsync<ArgumentException>().WithMessage("*missing.pfx*");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private KonProFakeServerOptions Options() => new() { UseHttps = true, DevelopmentCertificateDirectory = _folder.FullName, TimeScale = 0.05 };

    private static X509Certificate2 OwnCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=own test certificate", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
