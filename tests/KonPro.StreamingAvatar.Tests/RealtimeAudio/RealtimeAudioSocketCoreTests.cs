using System.Net.WebSockets;
using System.Reactive.Concurrency;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Tests.Realtime.Support;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Realtime.Audio;

/// <summary>
/// What the realtime audio socket took from the WebSocket core it shares with the chat socket (ADR 0010), over a real
/// loopback WebSocket: the one reconnect rule, a failed first connection, and the message size limit.
/// </summary>
public sealed class RealtimeAudioSocketCoreTests : IAsyncLifetime
{
    private readonly LoopbackWebSocketServer _server = new();
    private readonly HistoricalScheduler _scheduler = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private RealtimeAudioSocket CreateSocket() =>
        new(
            _server.Uri.ToString(),
            new RealtimeAudioSocketOptions
            {
                Connector = new ClientWebSocketConnector(o => o.KeepAliveInterval = TimeSpan.Zero),
                Scheduler = _scheduler,
                ReconnectPolicy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), JitterRatio = 0 },
            });

    [Fact]
    public async Task A_reconnect_refused_as_unauthorized_ends_the_retries_and_closes_the_socket()
    {
        await using var socket = CreateSocket();
        using var states = new EventRecorder<RealtimeAudioState>(socket.State);
        await socket.ConnectAsync();
        var server = await _server.AcceptAsync();
        _server.RefuseWith = 401;

        server.Drop();
        await states.WaitForAsync(s => s == RealtimeAudioState.Reconnecting);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        await states.WaitForCompletionAsync();
        states.Items.Should().EndWith([RealtimeAudioState.Reconnecting, RealtimeAudioState.Closed]);
        _server.Connections.Should().Be(2, "one refused attempt, not the policy's five");
    }

    [Fact]
    public async Task A_refused_first_connection_throws_the_runtimes_exception_and_closes_the_socket_for_good()
    {
        await using var socket = CreateSocket();
        using var states = new EventRecorder<RealtimeAudioState>(socket.State);
        _server.RefuseWith = 401;

        await socket.Invoking(s => s.ConnectAsync()).Should().ThrowAsync<WebSocketException>();

        await states.WaitForCompletionAsync();
        socket.CurrentState.Should().Be(RealtimeAudioState.Closed);
        socket.BeginUtterance().Completed.IsCompleted.Should().BeTrue("an utterance of a closed socket ends at once");
        await socket.Invoking(s => s.ConnectAsync()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_skipped_and_the_next_one_arrives()
    {
        await using var socket = CreateSocket();
        using var events = new EventRecorder<RealtimeAudioEvent>(socket.Events);
        await socket.ConnectAsync();
        var server = await _server.AcceptAsync();

        await server.SendTextAsync("""{"type":"agent.state","event_id":"big","state":"idle","padding":""" + "\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        await server.SendTextAsync("""{"type":"agent.state","event_id":"small","state":"listening"}""");

        await events.WaitForAsync(e => e.EventId == "small");
        events.Items.Should().ContainSingle().Which.EventId.Should().Be("small");
    }
}
