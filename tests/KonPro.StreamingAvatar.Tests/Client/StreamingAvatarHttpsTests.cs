using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Client;

/// <summary>
/// The SDK against the fake over TLS (https and wss), the fake's exported development certificate trusted by this test's
/// HTTP handler and chat socket options only (<see cref="StreamingAvatarOptions.ConfigureChatSocket"/>): the library's own
/// validation stays as it is.
/// </summary>
public sealed class StreamingAvatarHttpsTests : IDisposable
{
    private readonly DirectoryInfo _certificates = Directory.CreateTempSubdirectory("konpro-sdk-tls-");

    [Fact]
    public async Task A_session_runs_over_https_and_wss_trusting_the_exported_certificate()
    {
        var options = new KonProFakeServerOptions { UseHttps = true, DevelopmentCertificateDirectory = _certificates.FullName, TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) };
        await using var server = await KonProFakeServer.StartAsync(options);
        using var trusted = CertificateTrust.FromPem(server.CertificatePemPath!);
        using var http = new HttpClient(CertificateTrust.Handler(trusted));
        var config = new StreamingAvatarApiConfig { Token = await server.CreateSessionTokenAsync(), BasePath = server.Url };
        var sdkOptions = new StreamingAvatarOptions { ConfigureChatSocket = socket => socket.RemoteCertificateValidationCallback = CertificateTrust.Only(trusted) };
        await using var avatar = new StreamingAvatar(config, http, sdkOptions);
        using var events = new EventRecorder<StreamingEvent>(avatar.Events);

        var session = await avatar.CreateStartAvatarAsync(new StartAvatarRequest());
        (await events.WaitForAsync<StreamReady>()).SessionId.Should().Be(session.SessionId, "without a room, stream_ready means the chat socket opened: over wss");
        var handle = await avatar.SpeakAsync(new SpeakRequest { Text = "Over TLS.", TaskType = TaskType.Repeat, TaskMode = TaskMode.Sync });
        (await handle.Completed).Outcome.Should().Be(SpeakOutcome.Completed);
        (await events.WaitForAsync<AvatarStopTalking>()).TaskId.Should().Be(handle.TaskId);
        await avatar.StopAvatarAsync();

        server.Url.Should().StartWith("https://");
        server.GetSession(session.SessionId)!.Status.Should().Be(Api.SessionStatus.Closed);
    }

    [Fact]
    public async Task Without_trusting_the_certificate_the_SDK_refuses_the_server()
    {
        var options = new KonProFakeServerOptions { UseHttps = true, DevelopmentCertificateDirectory = _certificates.FullName, TimeScale = 0.02, DefaultActivityIdleTimeout = TimeSpan.FromHours(1) };
        await using var server = await KonProFakeServer.StartAsync(options);
        using var http = new HttpClient();
        var config = new StreamingAvatarApiConfig { Token = await server.CreateSessionTokenAsync(), BasePath = server.Url };
        await using var avatar = new StreamingAvatar(config, http, new StreamingAvatarOptions());

        var start = () => avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        (await start.Should().ThrowAsync<HttpRequestException>()).Which.HttpRequestError.Should().Be(HttpRequestError.SecureConnectionError);
        server.Journal.RestCalls.Should().BeEmpty("the TLS handshake fails before any request");
    }

    public void Dispose() => _certificates.Delete(recursive: true);
}
