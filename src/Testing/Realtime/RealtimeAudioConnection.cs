using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>
/// One client of a session's realtime audio socket: the protocol between the transport (<see cref="RealtimeSocket"/>)
/// and the playback (<see cref="UtterancePlayer"/>). The avatar "speaks" each utterance's audio (PCM16 mono 24 kHz):
/// <c>agent.speak_started</c> when its first audio plays, <c>agent.speak_ended</c> once the utterance was ended and
/// its audio's length has passed (in the server's model time), <c>agent.speak_interrupted</c> when an interrupt cut it
/// (or dropped it unplayed). Audio that arrives before the session is connected is buffered. A bad message gets an
/// <c>error</c> event and never closes the socket. With the room on, the avatar's audio track carries each utterance's
/// audio while it plays (an interrupt drops the rest).
/// </summary>
internal sealed class RealtimeAudioConnection : IAsyncDisposable
{
    private readonly FakeServerCore _core;
    private readonly FakeSession _session;
    private readonly RealtimeSocket _socket;
    private readonly RealtimeServerEvents _events = new();
    private readonly UtterancePlayer _player;
    private readonly CancellationTokenSource _stop = new();

    public RealtimeAudioConnection(FakeServerCore core, FakeSession session, WebSocket socket)
    {
        _core = core;
        _session = session;
        _socket = new RealtimeSocket(socket);
        _player = new UtterancePlayer(core.Clock, session);
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stop.Token);
        Log.RealtimeOpened(_core.Logger, _session.Id);
        await SendAsync(_events.SessionState(RealtimeStates.Connecting)).ConfigureAwait(false);
        var watcher = WatchSessionAsync(linked.Token);
        var player = _player.PlayAsync(OnSpeakStartedAsync, OnSpeakEndedAsync, linked.Token);
        try
        {
            await ReceiveAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away, or the server is stopping.
        }
        finally
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(watcher), Quietly(player)).ConfigureAwait(false);
        }
    }

    public void Close(int status, string reason) =>
        _ = Task.Run(() => CloseAsync((WebSocketCloseStatus)status, reason));

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        await SendAsync(_events.SessionState(RealtimeStates.Closing)).ConfigureAwait(false);
        await SendAsync(_events.SessionState(RealtimeStates.Closed)).ConfigureAwait(false);
        await _socket.CloseAsync(status, reason).ConfigureAwait(false);
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        while (_socket.IsOpen)
        {
            switch (await _socket.ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                case RealtimeReceived.Close:
                    await CloseAsync(WebSocketCloseStatus.NormalClosure, "client_closed").ConfigureAwait(false);
                    return;
                case RealtimeReceived.TooLarge:
                    await SendErrorAsync(null, RealtimeErrorCodes.MessageTooLarge, $"a message may carry at most {RealtimeSocket.MaxMessageBytes} bytes").ConfigureAwait(false);
                    await _socket.DiscardRestAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case RealtimeReceived.Binary:
                    await SendErrorAsync(null, RealtimeErrorCodes.InvalidMessage, "messages are JSON text, not binary").ConfigureAwait(false);
                    break;
                default:
                    await HandleAsync(_socket.Message).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            await SendErrorAsync(null, RealtimeErrorCodes.InvalidJson, "the message is not JSON").ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await SendErrorAsync(null, RealtimeErrorCodes.InvalidJson, "the message must be a JSON object").ConfigureAwait(false);
                return;
            }

            var eventId = root.TryGetProperty(RealtimeProtocol.EventIdProperty, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (!root.TryGetProperty(RealtimeProtocol.TypeProperty, out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                await SendErrorAsync(eventId, RealtimeErrorCodes.MissingType, "the message has no type").ConfigureAwait(false);
                return;
            }

            var type = typeElement.GetString()!;
            switch (type)
            {
                case RealtimeMessageTypes.Speak or RealtimeMessageTypes.AudioBufferAppend:
                    await AppendAsync(root, eventId).ConfigureAwait(false);
                    break;
                case RealtimeMessageTypes.SpeakEnd or RealtimeMessageTypes.AudioBufferCommit:
                    await EndAsync(eventId).ConfigureAwait(false);
                    break;
                case RealtimeMessageTypes.Interrupt or RealtimeMessageTypes.AudioBufferClear:
                    _session.Touch();
                    await InterruptAsync().ConfigureAwait(false);
                    break;
                case RealtimeMessageTypes.StartListening:
                    _session.Touch();
                    _session.IsListening = true;
                    await SendAgentStateAsync().ConfigureAwait(false);
                    break;
                case RealtimeMessageTypes.StopListening:
                    _session.Touch();
                    _session.IsListening = false;
                    await SendAgentStateAsync().ConfigureAwait(false);
                    break;
                case RealtimeMessageTypes.KeepAlive:
                    _session.Touch();
                    break;
                default:
                    await SendErrorAsync(eventId, RealtimeErrorCodes.UnknownType, $"unknown message type: {type}").ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task AppendAsync(JsonElement root, string? eventId)
    {
        if (!root.TryGetProperty(RealtimeProtocol.AudioProperty, out var audioElement) || audioElement.ValueKind != JsonValueKind.String)
        {
            await SendErrorAsync(eventId, RealtimeErrorCodes.MissingAudio, "the message has no audio (base64 PCM16 mono 24 kHz)").ConfigureAwait(false);
            return;
        }

        byte[] audio;
        try
        {
            audio = Convert.FromBase64String(audioElement.GetString()!);
        }
        catch (FormatException)
        {
            await SendErrorAsync(eventId, RealtimeErrorCodes.InvalidAudio, "audio is not valid base64").ConfigureAwait(false);
            return;
        }

        if (audio.Length % 2 != 0)
        {
            await SendErrorAsync(eventId, RealtimeErrorCodes.InvalidAudio, string.Create(CultureInfo.InvariantCulture, $"audio must be whole 16-bit samples; got {audio.Length} bytes")).ConfigureAwait(false);
            return;
        }

        _session.Touch();
        _player.Append(eventId, audio);
    }

    private async Task EndAsync(string? eventId)
    {
        if (!_player.End(eventId))
        {
            await SendErrorAsync(eventId, RealtimeErrorCodes.UnknownEventId, "no audio was sent for this utterance").ConfigureAwait(false);
            return;
        }

        _session.Touch();
    }

    private async Task InterruptAsync()
    {
        foreach (var (id, spoken) in _player.Interrupt())
        {
            await SendAsync(RealtimeServerEvents.Speaking(RealtimeEventTypes.SpeakInterrupted, id, spoken)).ConfigureAwait(false);
        }

        await SendAgentStateAsync().ConfigureAwait(false);
    }

    private async Task OnSpeakStartedAsync(string utteranceId)
    {
        await SendAsync(RealtimeServerEvents.Speaking(RealtimeEventTypes.SpeakStarted, utteranceId, null)).ConfigureAwait(false);
        await SendAgentStateAsync().ConfigureAwait(false);
    }

    private async Task OnSpeakEndedAsync(string utteranceId, TimeSpan duration)
    {
        await SendAsync(RealtimeServerEvents.Speaking(RealtimeEventTypes.SpeakEnded, utteranceId, duration)).ConfigureAwait(false);
        await SendAgentStateAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Follows the session's phase as its outbox reports it (<see cref="RealtimeSessionPhase"/>): once it starts, the
    /// client hears it is connected and playback begins; once it closes, what plays is interrupted and the socket closes
    /// with the session's status. A start and a close that come together are both told, in that order.
    /// </summary>
    private async Task WatchSessionAsync(CancellationToken cancellationToken)
    {
        var phase = RealtimeSessionPhase.Of(_session);
        await Task.WhenAny(phase.Started, phase.Closed).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (phase.Started.IsCompleted)
        {
            await SendAsync(_events.SessionState(RealtimeStates.Connected)).ConfigureAwait(false);
            await SendAgentStateAsync().ConfigureAwait(false);
            _player.Connect();
        }

        var (status, reason) = await phase.Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_player.IsBusy)
        {
            await InterruptAsync().ConfigureAwait(false);
        }

        Close(status, reason);
    }

    private Task SendAgentStateAsync() => SendAsync(_events.AgentState(_player.AgentState));

    private Task SendErrorAsync(string? offendingId, string code, string text) => SendAsync(_events.Error(offendingId, code, text));

    private Task SendAsync(string message) => _socket.SendAsync(message);

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopping.
        }
    }
}
