using System.Text.Json;
using KonPro.Streaming.Testing;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Tools;

/// <summary>
/// Record the service once, replay it offline: a second fake stands in for the real service, the fake in record mode
/// proxies the demo conversation to it, then (the upstream gone) the fake in replay mode serves the recording to the
/// demo again. Everything goes over real sockets on loopback; the demo runs as a process.
/// </summary>
public sealed class RecordReplayDemoTests : IDisposable
{
    private const string ApiKey = "record-replay-test-key-7f3a9c";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "konpro-recording-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_demo_conversation_recorded_through_the_proxy_replays_offline_with_the_same_transcript_and_no_secret_in_any_file()
    {
        // Arrange: the upstream and the recorder in front of it.
        var upstreamOptions = new KonProFakeServerOptions { TimeScale = 0.1 };
        upstreamOptions.ApiKeys.Clear();
        upstreamOptions.ApiKeys.Add(ApiKey);
        var upstream = await KonProFakeServer.StartAsync(upstreamOptions);
        string recordedSessionId;
        (int ExitCode, string Output) recorded;
        List<string> secrets;
        await using (upstream)
        {
            await using (var recorder = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ProxyUrl = new Uri(upstream.Url), RecordDirectory = _directory }))
            {
                // Act 1: the demo through the recorder.
                recorded = await DemoProcess.RunAsync("--base-url", recorder.Url, "--api-key", ApiKey);
            }

            recordedSessionId = upstream.Sessions.Single().SessionId;
            secrets = [ApiKey, .. SecretsIn(upstream.Journal.RestCalls)];
        }

        recorded.ExitCode.Should().Be(0, recorded.Output);

        // Act 2: the demo against the replay, the upstream stopped.
        (int ExitCode, string Output) replayed;
        await using (var replay = await KonProFakeServer.StartAsync(new KonProFakeServerOptions { ReplayDirectory = _directory }))
        {
            replayed = await DemoProcess.RunAsync("--base-url", replay.Url, "--api-key", "any-key-the-replay-does-not-check");
        }

        // Assert
        replayed.ExitCode.Should().Be(0, replayed.Output);
        replayed.Output.Should().Contain("Demo finished: every step succeeded.");
        Transcript(replayed.Output).Should().Equal(Transcript(recorded.Output)).And.Contain(l => l.StartsWith("avatar", StringComparison.Ordinal)).And.Contain(l => l.StartsWith("user", StringComparison.Ordinal));
        EventCounts(replayed.Output).Should().NotBeEmpty().And.Equal(EventCounts(recorded.Output));
        replayed.Output.Should().NotContain(recordedSessionId, "a replayed session gets a fresh id");

        var files = Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories).ToList();
        files.Should().Contain(f => f.Contains($"{Path.DirectorySeparatorChar}mappings{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .And.Contain(f => f.EndsWith(".jsonl", StringComparison.Ordinal));
        secrets.Should().HaveCountGreaterThanOrEqualTo(4, "the API key, the session token and the two LiveKit tokens were used");
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            foreach (var secret in secrets)
            {
                text.Should().NotContain(secret, $"{Path.GetFileName(file)} must not hold a secret");
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // Every token the upstream handed out: create_token's token, new's access_token, livekit_agent_token and realtime_endpoint.
    private static IEnumerable<string> SecretsIn(IReadOnlyList<RestCallRecord> calls)
    {
        foreach (var call in calls.Where(c => c.Status == 200 && c.OperationId is KonProOperationIds.CreateToken or KonProOperationIds.NewSession))
        {
            using var json = JsonDocument.Parse(call.ResponseBody);
            foreach (var field in new[] { "token", "access_token", "livekit_agent_token", "realtime_endpoint" })
            {
                if (json.RootElement.GetProperty("data").TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    yield return value.GetString()!;
                }
            }
        }
    }

    // The demo's live transcript: its "avatar ..." and "user ..." lines, in order.
    private static List<string> Transcript(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("avatar ", StringComparison.Ordinal) || l.StartsWith("user ", StringComparison.Ordinal))];

    // The demo's table of event counts (its rows hold an event name and a number).
    private static List<string> EventCounts(string output) =>
        [.. output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("_", StringComparison.Ordinal) && (l.Contains("avatar_", StringComparison.Ordinal) || l.Contains("user_", StringComparison.Ordinal) || l.Contains("stream_", StringComparison.Ordinal)) && l.Any(char.IsAsciiDigit) && l.StartsWith('│'))];
}
