using System.Text.Json.Nodes;
using KonPro.Streaming.Api;
using KonPro.Streaming.Tests.Realtime.Audio;
using KonPro.Streaming.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// Runs both sides of the realtime audio socket once, over real sockets on loopback, for the agreement tests: the SDK
/// speaks, interrupts, listens and keeps alive against the fake (what it sends is recorded); a raw client sends the
/// fake every message type the document or the shared constants name, and a few bad messages, and records what the
/// fake sends back, which types it refused as unknown, and how it closes the socket.
/// </summary>
public sealed class RealtimeWireFixture : IAsyncLifetime
{
    private const int SpeechRate = RealtimeProtocol.AudioSampleRate;

    /// <summary>The messages the SDK sent.</summary>
    public List<string> SdkSent { get; } = [];

    /// <summary>The messages the fake sent to the raw client.</summary>
    public IReadOnlyList<string> FakeSent { get; private set; } = [];

    /// <summary>The client message types the raw client sent the fake, with the <c>event_id</c> each carried.</summary>
    public Dictionary<string, string> Probes { get; } = new(StringComparer.Ordinal);

    /// <summary>The types the fake accepted (it refused none of them as <c>unknown_type</c>).</summary>
    public HashSet<string> FakeAccepted { get; } = new(StringComparer.Ordinal);

    /// <summary>How the fake closed the socket when the session was stopped.</summary>
    public (int? Status, string? Reason) SessionStopped { get; private set; }

    /// <summary>How the fake closed a socket opened at an unknown endpoint.</summary>
    public (int? Status, string? Reason) UnknownEndpoint { get; private set; }

    public async Task InitializeAsync()
    {
        await RecordSdkAsync();
        await ProbeFakeAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task RecordSdkAsync()
    {
        await using var scope = await FakeServerScope.StartAsync(o => { o.TimeScale = 0.1; o.SessionDurationLimit = TimeSpan.FromHours(1); });
        await using var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest { ActivityIdleTimeout = 3600 });
        await using var socket = await RealtimeAudioSocket.OpenAsync(avatar, new RealtimeAudioSocketOptions { Connector = RecordingWebSocket.Connector(SdkSent, []) });

        var utterance = await socket.SpeakAsync(new byte[SpeechRate / 5 * 2]);
        await utterance.WaitForCompletionAsync(FakeServerScope.Patience);
        await socket.StartListeningAsync();
        await socket.StopListeningAsync();
        await socket.KeepAliveAsync();
        await socket.InterruptAsync();
    }

    private async Task ProbeFakeAsync()
    {
        await using var wire = await FakeWire.StartAsync(o => { o.TimeScale = 1; o.SessionDurationLimit = TimeSpan.FromHours(1); });
        var token = await wire.Server.CreateSessionTokenAsync();
        var created = await wire.PostAsync(token, "/v1/streaming/new", new { activity_idle_timeout = 3600 });
        var sessionId = created.GetProperty("data").GetProperty("session_id").GetString()!;
        var endpoint = new Uri(created.GetProperty("data").GetProperty("realtime_endpoint").GetString()!);
        await wire.PostAsync(token, "/v1/streaming/start", new { session_id = sessionId });

        var rt = await ChatListener.ConnectAsync(endpoint);
        await using (rt)
        {
            await UntilSentAsync(rt, RealtimeEventTypes.SessionStateUpdated, m => m["state"]?.GetValue<string>() == RealtimeStates.Connected);

            // An utterance spoken to its end, listening, a keep-alive.
            await SendAsync(rt, RealtimeMessageTypes.Speak, "u-1", Audio(TimeSpan.FromMilliseconds(100)));
            await SendAsync(rt, RealtimeMessageTypes.SpeakEnd, "u-1");
            await UntilSentAsync(rt, RealtimeEventTypes.SpeakEnded, m => m["event_id"]?.GetValue<string>() == "u-1");
            await SendAsync(rt, RealtimeMessageTypes.StartListening, "e-1");
            await SendAsync(rt, RealtimeMessageTypes.StopListening, "e-2");
            await SendAsync(rt, RealtimeMessageTypes.KeepAlive, "e-3");

            // An utterance cut short.
            await SendAsync(rt, RealtimeMessageTypes.Speak, "u-2", Audio(TimeSpan.FromSeconds(30)));
            await UntilSentAsync(rt, RealtimeEventTypes.SpeakStarted, m => m["event_id"]?.GetValue<string>() == "u-2");
            await SendAsync(rt, RealtimeMessageTypes.Interrupt, "e-4");
            await UntilSentAsync(rt, RealtimeEventTypes.SpeakInterrupted, m => m["event_id"]?.GetValue<string>() == "u-2");

            // The older names, and every other type the document or the constants name.
            await SendAsync(rt, RealtimeMessageTypes.AudioBufferAppend, "a-1", Audio(TimeSpan.FromMilliseconds(100)));
            await SendAsync(rt, RealtimeMessageTypes.AudioBufferCommit, "a-1");
            await UntilSentAsync(rt, RealtimeEventTypes.SpeakEnded, m => m["event_id"]?.GetValue<string>() == "a-1");
            await SendAsync(rt, RealtimeMessageTypes.AudioBufferClear, "c-1");
            foreach (var type in RealtimeContract.Current.ClientMessages.Keys.Union(RealtimeMessageTypes.All).Where(t => !Probes.ContainsKey(t)))
            {
                await SendAsync(rt, type, "probe-" + Probes.Count);
            }

            // The fake answers in order: once this refusal is back, so is every refusal of the probes above.
            await rt.SendTextAsync("not json");
            await UntilSentAsync(rt, RealtimeEventTypes.Error, m => m["error"]?["code"]?.GetValue<string>() == RealtimeErrorCodes.InvalidJson);

            var refused = rt.Messages.Select(m => JsonNode.Parse(m)!.AsObject())
                .Where(m => m["error"]?["code"]?.GetValue<string>() == RealtimeErrorCodes.UnknownType)
                .Select(m => m["error"]!["event_id"]?.GetValue<string>())
                .ToHashSet(StringComparer.Ordinal);
            FakeAccepted.UnionWith(Probes.Where(p => !refused.Contains(p.Value)).Select(p => p.Key));

            await wire.PostAsync(token, "/v1/streaming/stop", new { session_id = sessionId });
            SessionStopped = await rt.Closed.WaitAsync(FakeWire.Patience);
            FakeSent = rt.Messages;
        }

        var unknown = await ChatListener.ConnectAsync(new Uri(endpoint, RealtimeProtocol.PathPrefix + "not-a-secret"));
        await using (unknown)
        {
            UnknownEndpoint = await unknown.Closed.WaitAsync(FakeWire.Patience);
        }
    }

    private Task SendAsync(ChatListener socket, string type, string eventId, string? audio = null)
    {
        Probes.TryAdd(type, eventId);
        var message = new JsonObject { [RealtimeProtocol.TypeProperty] = type, [RealtimeProtocol.EventIdProperty] = eventId };
        if (audio is not null)
        {
            message[RealtimeProtocol.AudioProperty] = audio;
        }

        return socket.SendTextAsync(message.ToJsonString());
    }

    private static Task UntilSentAsync(ChatListener socket, string type, Func<JsonObject, bool> condition) =>
        FakeWire.UntilAsync(() => socket.Messages.Select(m => JsonNode.Parse(m)!.AsObject())
            .Any(m => m[RealtimeProtocol.TypeProperty]?.GetValue<string>() == type && condition(m)));

    private static string Audio(TimeSpan length) => Convert.ToBase64String(new byte[(int)(length.TotalSeconds * SpeechRate) * 2]);
}
