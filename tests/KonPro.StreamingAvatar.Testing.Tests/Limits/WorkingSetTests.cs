using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using KonPro.Streaming.Testing.Tests.Support;
using Xunit.Abstractions;

namespace KonPro.Streaming.Testing.Tests.Limits;

[CollectionDefinition(nameof(WorkingSetTests), DisableParallelization = true)]
public sealed class WorkingSetCollection;

/// <summary>
/// The bad-input run of the reliability issue against one fake with its default limits: 20 invalid 10 MiB bodies to
/// <c>new</c>, a 100 MiB chat message and a chat message that never ends. Runs alone (no other test shares the process's
/// memory meanwhile) and measures the process's peak working set above where it started.
/// </summary>
[Collection(nameof(WorkingSetTests))]
public sealed class WorkingSetTests(ITestOutputHelper output)
{
    /// <summary>The documented bound (README, "Limits"): the bad-input run adds at most this much to the working set.</summary>
    private const long BoundBytes = 150L * 1024 * 1024;

    [Fact]
    public async Task The_bad_input_run_keeps_the_working_set_under_the_documented_bound()
    {
        await using var server = await Servers.StartAsync(o => o.ChatCloseTimeout = TimeSpan.FromSeconds(2));
        using var api = new ApiClient(server);
        var (token, sessionId) = await api.NewSessionAsync();
        Settle();
        var baseline = Process.GetCurrentProcess().WorkingSet64;
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                using var self = Process.GetCurrentProcess();
                peak = Math.Max(peak, self.WorkingSet64);
                await Task.Delay(10);
            }
        });

        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(2) };
        var chunk = new byte[1024 * 1024];
        Array.Fill(chunk, (byte)'x'); // not JSON at all
        for (var i = 0; i < 20; i++)
        {
            using var content = new RepeatingContent(chunk, 10, knownLength: i % 2 == 0);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/streaming/new") { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        }

        var chatSent = await SendOneMessageAsync(server, sessionId, token, chunk, pieces: 100, finish: true);
        var endlessSent = await SendOneMessageAsync(server, sessionId, token, chunk, pieces: int.MaxValue, finish: false);
        await ChatLimitTests.WaitUntilAsync(() => server.Hub.OpenConnections == 0);

        await sampling.CancelAsync();
        await sampler;
        var growth = peak - baseline;
        output.WriteLine($"bad-input run: 200 MiB of REST bodies, chat {chatSent >> 20} MiB + endless {endlessSent >> 20} MiB sent; working set {baseline >> 20} MiB -> peak {peak >> 20} MiB (+{growth >> 20} MiB, bound {BoundBytes >> 20} MiB)");
        growth.Should().BeLessThan(BoundBytes);
        server.Journal.RestCalls.Should().HaveCount(3, "create_token, new and start only: a body over the cap never reaches the endpoints");
    }

    /// <summary>Sends pieces of one binary message until done or until the server drops the socket; returns bytes sent.</summary>
    private static async Task<long> SendOneMessageAsync(KonProFakeServer server, string sessionId, string token, byte[] chunk, int pieces, bool finish)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"{server.ChatUrl}?session_id={sessionId}&session_token={token}"), CancellationToken.None);
        long sent = 0;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            for (var i = 0; i < pieces; i++)
            {
                await socket.SendAsync(chunk, WebSocketMessageType.Binary, finish && i == pieces - 1, bound.Token);
                sent += chunk.Length;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // the server closed (1009) and dropped the connection
        }

        bound.IsCancellationRequested.Should().BeFalse("the server must cut off an oversized message");
        return sent;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
