using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Text.Json;
using KonPro.Benchmarks.Micro;
using KonPro.Streaming;

namespace KonPro.Benchmarks.Quick;

/// <summary>
/// Benchmark 4: the fake sends an event on the chat socket; the time until an <c>Events</c> subscriber sees it,
/// beside the time until a raw <see cref="ClientWebSocket"/> receive loop on the same session sees the same message.
/// </summary>
internal static class EventLatency
{
    private const int Samples = 500;

    public static async Task<IReadOnlyList<QuickLine>> RunAsync()
    {
        await using var session = await AvatarSession.StartAsync();
        using var raw = new ClientWebSocket();
        var chatUri = new Uri($"{session.Server.ChatUrl}?session_id={session.SessionId}&session_token={Uri.EscapeDataString(session.Token)}");
        await raw.ConnectAsync(chatUri, CancellationToken.None);

        var sdkSeen = new long[Samples];
        var rawSeen = new long[Samples];
        var sdkSignal = new SemaphoreSlim(0);
        var rawSignal = new SemaphoreSlim(0);
        using var subscription = session.Avatar.Events
            .Where(e => e.Name == "latency_probe")
            .Subscribe(e =>
            {
                var seq = e.ExtraFields["seq"].GetInt32();
                sdkSeen[seq] = Stopwatch.GetTimestamp();
                sdkSignal.Release();
            });
        var rawLoop = Task.Run(() => ReceiveRawAsync(raw, rawSeen, rawSignal));

        var sent = new long[Samples];
        var sdkLatency = new List<double>(Samples);
        var rawLatency = new List<double>(Samples);
        for (var seq = 0; seq < Samples; seq++)
        {
            sent[seq] = Stopwatch.GetTimestamp();
            session.Server.Faults.SendRawChatMessage(
                session.SessionId, string.Create(CultureInfo.InvariantCulture, $$"""{"event_type":"latency_probe","task_id":"probe-{{seq}}","seq":{{seq}}}"""));
            var bounded = TimeSpan.FromSeconds(10);
            if (!await sdkSignal.WaitAsync(bounded) || !await rawSignal.WaitAsync(bounded))
            {
                throw new TimeoutException($"Probe {seq} was not received within {bounded}.");
            }

            if (seq >= 50)
            {
                sdkLatency.Add(Stopwatch.GetElapsedTime(sent[seq], sdkSeen[seq]).TotalMicroseconds);
                rawLatency.Add(Stopwatch.GetElapsedTime(sent[seq], rawSeen[seq]).TotalMicroseconds);
            }
        }

        await raw.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await rawLoop;
        return
        [
            new QuickLine("event-latency-p50", Measure.Percentile(sdkLatency, 50), "us", Measure.Percentile(rawLatency, 50), "us"),
            new QuickLine("event-latency-p99", Measure.Percentile(sdkLatency, 99), "us", Measure.Percentile(rawLatency, 99), "us"),
        ];
    }

    private static async Task ReceiveRawAsync(ClientWebSocket socket, long[] seen, SemaphoreSlim signal)
    {
        var buffer = new byte[64 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult result;
            var count = 0;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                count += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, count));
            var isProbe = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("event_type"u8))
                {
                    reader.Read();
                    isProbe = reader.ValueTextEquals("latency_probe"u8);
                }
                else if (isProbe && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("seq"u8))
                {
                    reader.Read();
                    seen[reader.GetInt32()] = Stopwatch.GetTimestamp();
                    signal.Release();
                }
            }
        }
    }
}
