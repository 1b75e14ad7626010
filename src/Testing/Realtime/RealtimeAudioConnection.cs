using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>
/// One client of a session's realtime audio socket. The avatar "speaks" each utterance's audio (PCM16 mono 24 kHz):
/// <c>agent.speak_started</c> when its first audio plays, <c>agent.speak_ended</c> once the utterance was ended and
/// its audio's length has passed (in the server's model time), <c>agent.speak_interrupted</c> when an interrupt cut it
/// (or dropped it unplayed). Audio that arrives before the session is connected is buffered. A bad message gets an
/// <c>error</c> event and never closes the socket. With the room on, the avatar's audio track carries each utterance's
/// audio while it plays (an interrupt drops the rest).
/// </summary>
internal sealed class RealtimeAudioConnection : IAsyncDisposable
{
    public const int SampleRate = RealtimeProtocol.AudioSampleRate;
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    private readonly FakeServerCore _core;
    private readonly FakeSession _session;
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<Utterance> _queue = [];
    private readonly HashSet<string> _cut = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Utterance? _current;
    private long _currentStart;
    private bool _connected;
    private string? _openId;
    private int _serverEvents;
    private int _unnamed;

    public RealtimeAudioConnection(FakeServerCore core, FakeSession session, WebSocket socket)
    {
        _core = core;
        _session = session;
        _socket = socket;
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stop.Token);
        Log.RealtimeOpened(_core.Logger, _session.Id);
        await SendStateAsync(RealtimeStates.Connecting).ConfigureAwait(false);
        var watcher = WatchSessionAsync(linked.Token);
        var player = PlayAsync(linked.Token);
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
        _ = Task.Run(async () =>
        {
            await SendStateAsync(RealtimeStates.Closing).ConfigureAwait(false);
            await SendStateAsync(RealtimeStates.Closed).ConfigureAwait(false);
            await RealtimeAudioHub.CloseQuietlyAsync(_socket, (WebSocketCloseStatus)status, reason).ConfigureAwait(false);
        });

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        _sendLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (_socket.State == WebSocketState.Open)
        {
            buffer.Clear();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage && buffer.WrittenCount <= MaxMessageBytes);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await SendStateAsync(RealtimeStates.Closing).ConfigureAwait(false);
                await SendStateAsync(RealtimeStates.Closed).ConfigureAwait(false);
                await RealtimeAudioHub.CloseQuietlyAsync(_socket, WebSocketCloseStatus.NormalClosure, "client_closed").ConfigureAwait(false);
                return;
            }

            if (!result.EndOfMessage)
            {
                await SendErrorAsync(null, RealtimeErrorCodes.MessageTooLarge, $"a message may carry at most {MaxMessageBytes} bytes").ConfigureAwait(false);
                while (!result.EndOfMessage)
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                await SendErrorAsync(null, RealtimeErrorCodes.InvalidMessage, "messages are JSON text, not binary").ConfigureAwait(false);
                continue;
            }

            await HandleAsync(buffer.WrittenMemory).ConfigureAwait(false);
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
        lock (_gate)
        {
            var id = eventId ?? (_openId ??= string.Create(CultureInfo.InvariantCulture, $"buffer-{++_unnamed}"));
            if (_cut.Contains(id))
            {
                return; // the rest of an interrupted utterance
            }

            var utterance = _queue.Find(u => u.Id == id);
            if (utterance is null)
            {
                utterance = new Utterance(id);
                _queue.Add(utterance);
            }

            utterance.Bytes += audio.Length;
            if (utterance == _current)
            {
                _session.Find<Room.SessionRoom>()?.SpeakAudio(audio, SampleRate);
            }
            else
            {
                utterance.Pending.Add(audio);
            }
        }

        Wake();
    }

    private async Task EndAsync(string? eventId)
    {
        bool known;
        lock (_gate)
        {
            var id = eventId ?? _openId;
            if (id is not null && id == _openId)
            {
                _openId = null;
            }

            var utterance = id is null ? null : _queue.Find(u => u.Id == id);
            known = utterance is not null || (id is not null && _cut.Contains(id));
            utterance?.End();
        }

        if (!known)
        {
            await SendErrorAsync(eventId, RealtimeErrorCodes.UnknownEventId, "no audio was sent for this utterance").ConfigureAwait(false);
            return;
        }

        _session.Touch();
        Wake();
    }

    private async Task InterruptAsync()
    {
        Utterance? current;
        long started;
        List<Utterance> dropped;
        lock (_gate)
        {
            current = _current;
            started = _currentStart;
            dropped = [.. _queue.Where(u => u != current)];
            foreach (var utterance in _queue)
            {
                _cut.Add(utterance.Id);
            }

            _queue.Clear();
            _current = null;
            _openId = null;
            _session.Find<Room.SessionRoom>()?.ClearAudio();
        }

        if (current is not null)
        {
            var spoken = Min(_core.Clock.ModelElapsedSince(started), current.Duration);
            await SendSpeakingAsync(RealtimeEventTypes.SpeakInterrupted, current.Id, spoken).ConfigureAwait(false);
        }

        foreach (var utterance in dropped)
        {
            await SendSpeakingAsync(RealtimeEventTypes.SpeakInterrupted, utterance.Id, TimeSpan.Zero).ConfigureAwait(false);
        }

        await SendAgentStateAsync().ConfigureAwait(false);
        Wake();
    }

    private async Task PlayAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Utterance? head;
            Task wake;
            lock (_gate)
            {
                head = _connected && _queue.Count > 0 && _queue[0].Bytes > 0 ? _queue[0] : null;
                wake = _wake.Task;
                if (head is not null)
                {
                    _current = head;
                    _currentStart = _core.Clock.Timestamp();

                    // The room's avatar audio track plays the utterance's audio from now on.
                    foreach (var chunk in head.Pending)
                    {
                        _session.Find<Room.SessionRoom>()?.SpeakAudio(chunk, SampleRate);
                    }

                    head.Pending.Clear();
                }
            }

            if (head is null)
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await SendSpeakingAsync(RealtimeEventTypes.SpeakStarted, head.Id, null).ConfigureAwait(false);
            await SendAgentStateAsync().ConfigureAwait(false);
            while (true)
            {
                TimeSpan remaining;
                bool done;
                lock (_gate)
                {
                    if (_current != head)
                    {
                        break; // interrupted; the interrupt told the client
                    }

                    var elapsed = _core.Clock.ModelElapsedSince(_currentStart);
                    remaining = head.Duration - elapsed;
                    done = head.Ended && remaining <= TimeSpan.Zero;
                    if (done)
                    {
                        _queue.Remove(head);
                        _current = null;
                    }

                    wake = _wake.Task;
                }

                if (done)
                {
                    await SendSpeakingAsync(RealtimeEventTypes.SpeakEnded, head.Id, head.Duration).ConfigureAwait(false);
                    await SendAgentStateAsync().ConfigureAwait(false);
                    break;
                }

                if (remaining > TimeSpan.Zero)
                {
                    await Task.WhenAny(wake, _core.Clock.DelayAsync(remaining, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                else
                {
                    await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task WatchSessionAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_session.Phase == SessionPhase.Closed)
            {
                await InterruptQuietlyAsync().ConfigureAwait(false);
                Close(_session.CloseStatus ?? ChatCloseStatus.SessionStopped, _session.CloseReason ?? ChatCloseStatus.SessionStoppedReason);
                return;
            }

            if (!_connected && _session.Phase == SessionPhase.Started)
            {
                lock (_gate)
                {
                    _connected = true;
                }

                await SendStateAsync(RealtimeStates.Connected).ConfigureAwait(false);
                await SendAgentStateAsync().ConfigureAwait(false);
                Wake();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InterruptQuietlyAsync()
    {
        bool speaking;
        lock (_gate)
        {
            speaking = _current is not null || _queue.Count > 0;
        }

        if (speaking)
        {
            await InterruptAsync().ConfigureAwait(false);
        }
    }

    private void Wake()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    private Task SendStateAsync(string state) =>
        SendAsync(new JsonObject
        {
            [RealtimeProtocol.TypeProperty] = RealtimeEventTypes.SessionStateUpdated,
            [RealtimeProtocol.EventIdProperty] = NextServerId(),
            [RealtimeProtocol.StateProperty] = state,
        });

    private Task SendAgentStateAsync()
    {
        string state;
        lock (_gate)
        {
            state = _current is not null ? RealtimeStates.Speaking : _session.IsListening ? RealtimeStates.Listening : RealtimeStates.Idle;
        }

        return SendAsync(new JsonObject
        {
            [RealtimeProtocol.TypeProperty] = RealtimeEventTypes.AgentState,
            [RealtimeProtocol.EventIdProperty] = NextServerId(),
            [RealtimeProtocol.StateProperty] = state,
        });
    }

    private Task SendSpeakingAsync(string type, string utteranceId, TimeSpan? duration)
    {
        var message = new JsonObject { [RealtimeProtocol.TypeProperty] = type, [RealtimeProtocol.EventIdProperty] = utteranceId };
        if (duration is { } d)
        {
            message[RealtimeProtocol.DurationMsProperty] = (long)Math.Round(d.TotalMilliseconds);
        }

        return SendAsync(message);
    }

    private Task SendErrorAsync(string? offendingId, string code, string text) =>
        SendAsync(new JsonObject
        {
            [RealtimeProtocol.TypeProperty] = RealtimeEventTypes.Error,
            [RealtimeProtocol.EventIdProperty] = NextServerId(),
            [RealtimeProtocol.ErrorProperty] = new JsonObject
            {
                [RealtimeProtocol.ErrorCodeProperty] = code,
                [RealtimeProtocol.ErrorMessageProperty] = text,
                [RealtimeProtocol.EventIdProperty] = offendingId,
            },
        });

    private string NextServerId() => string.Create(CultureInfo.InvariantCulture, $"srv-{Interlocked.Increment(ref _serverEvents)}");

    private async Task SendAsync(JsonObject message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        try
        {
            await _sendLock.WaitAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (_socket.State == WebSocketState.Open || _socket.State == WebSocketState.CloseReceived)
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client is gone.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

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

    private sealed class Utterance(string id)
    {
        public string Id { get; } = id;

        public long Bytes { get; set; }

        public bool Ended { get; private set; }

        /// <summary>Audio not yet handed to the room (the utterance has not started playing).</summary>
        public List<byte[]> Pending { get; } = [];

        public TimeSpan Duration => TimeSpan.FromTicks(Bytes / 2 * TimeSpan.TicksPerSecond / SampleRate);

        public void End() => Ended = true;
    }
}
