using System.Buffers;
using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Events;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Speaking;
using KonPro.Streaming.Voice;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.RealtimeAudio;

/// <summary>
/// The session's realtime audio socket (bring your own voice): stream your own speech audio and the avatar lip-syncs
/// it. Open it with the URL <c>new</c> returned (<see cref="StartAvatarResponse.RealtimeEndpoint"/>): the URL is the
/// credential, so nothing else is sent, and it is only ever logged redacted. Audio is PCM16 mono, resampled to 24 kHz.
/// Each utterance is a <see cref="RealtimeUtterance"/> that completes when the avatar has spoken it.
/// </summary>
/// <remarks>
/// <para><b>The observable contract</b> (as the chat socket's): <see cref="Events"/> is hot, with no replay, every
/// server message typed, in arrival order, from the one receive loop (never concurrently); <see cref="State"/> replays
/// the current state. A refused message arrives as a <see cref="RealtimeAudioError"/> (also on <see cref="Errors"/>),
/// never as <c>OnError</c>; the socket stays open. Both streams complete after <see cref="RealtimeAudioState.Closed"/>.
/// Observers run under no lock of the socket (they may block, or dispose it from any thread); one that throws is logged
/// and the others still get the value.</para>
/// <para>An abrupt loss (or close 1001, 1011, 1012) is retried with <see cref="RealtimeAudioSocketOptions.ReconnectPolicy"/>;
/// utterances in progress then end as interrupted. Closes 1000 and 4xxx are final. A keep-alive is sent every
/// <see cref="RealtimeAudioSocketOptions.KeepAliveInterval"/>. Audio may be sent as soon as the socket is open: the
/// server buffers it until the session is connected.</para>
/// <para>The socket is the realtime protocol over the SDK's one WebSocket core (the chat socket's too): receive loop, send
/// lock, close handshake, keep-alive timer and reconnects are the core's; this class reads and writes the messages,
/// follows the utterances and gives the core's status the words of <see cref="RealtimeAudioState"/>.</para>
/// </remarks>
public sealed class RealtimeAudioSocket : IAsyncDisposable, IWebSocketProtocol
{
    /// <summary>The socket's sample rate: PCM16 mono at 24 kHz.</summary>
    public const int SampleRate = RealtimeProtocol.AudioSampleRate;

    // The bound of the close handshake on dispose.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly string _redacted;
    private readonly RealtimeAudioSocketOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    // Both streams are queued under the gate (or from the one loop) and delivered outside any lock of ours, one at a
    // time: an observer may block, or call back into this socket from any thread, without a deadlock.
    private readonly EventHub<RealtimeAudioEvent> _events;
    private readonly EventHub<RealtimeAudioState> _state;
    private readonly ReconnectingWebSocket _core;
    private readonly Dictionary<string, RealtimeUtterance> _utterances = new(StringComparer.Ordinal);
    private readonly string _idPrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private bool _closed;
    private RealtimeAudioState _currentState = RealtimeAudioState.Connecting;
    private int _ids;

    /// <summary>Creates a client of a realtime audio socket (not yet connected: see <see cref="ConnectAsync"/>).</summary>
    /// <param name="endpoint">The <c>realtime_endpoint</c> exactly as <c>new</c> returned it (an absolute ws:// or wss:// URL).</param>
    /// <param name="options">Keep-alive, reconnect, logging and time; defaults when null.</param>
    /// <exception cref="ArgumentException">The endpoint is not an absolute ws:// or wss:// URL (the message never repeats it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public RealtimeAudioSocket(string endpoint, RealtimeAudioSocketOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
        {
            throw new ArgumentException("The realtime endpoint must be an absolute ws:// or wss:// URL, exactly as the session's realtime_endpoint gave it.", nameof(endpoint));
        }

        _options = options ?? new RealtimeAudioSocketOptions();
        _options.Validate();
        _redacted = $"{uri.Scheme}://{uri.Authority}/{SecretRedactor.Mask}";
        _time = _options.TimeProvider ?? TimeProvider.System;
        _logger = _options.LoggerFactory?.CreateLogger<RealtimeAudioSocket>() ?? NullLogger<RealtimeAudioSocket>.Instance;
        _core = new ReconnectingWebSocket(
            new ReconnectingWebSocketOptions
            {
                Uri = uri,
                RedactedUri = _redacted,
                Name = "Realtime audio socket",
                Logger = _logger,
                TimeProvider = _time,
                Scheduler = _options.Scheduler ?? DefaultScheduler.Instance,
                ReconnectPolicy = _options.ReconnectPolicy,
                KeepAliveInterval = _options.KeepAliveInterval,
                CloseTimeout = CloseTimeout,
            },
            _options.Connector ?? new ClientWebSocketConnector(),
            this);
        var logger = _logger;
        _events = new EventHub<RealtimeAudioEvent>(replayLatest: false, (e, evt) => Log.RealtimeAudioObserverFailed(logger, e, evt?.GetType().Name ?? "completion"));
        _state = new EventHub<RealtimeAudioState>(replayLatest: true, (e, state) => Log.RealtimeAudioObserverFailed(logger, e, "State " + state), hasInitial: true, RealtimeAudioState.Connecting);
    }

    /// <summary>Every server message, typed: hot, no replay, in arrival order; completes after the socket closed for good.</summary>
    public IObservable<RealtimeAudioEvent> Events => _events.AsObservable();

    /// <summary>The messages the server refused (<c>error</c>): hot; completes with <see cref="Events"/>.</summary>
    public IObservable<RealtimeAudioError> Errors => Events.OfType<RealtimeAudioError>();

    /// <summary>The socket's state: replays the current one, then each change; completes after <see cref="RealtimeAudioState.Closed"/>.</summary>
    public IObservable<RealtimeAudioState> State => _state.AsObservable();

    /// <summary>The current state.</summary>
    public RealtimeAudioState CurrentState
    {
        get
        {
            lock (_gate)
            {
                return _currentState;
            }
        }
    }

    /// <summary>The endpoint with everything after the host hidden (what logs show).</summary>
    public string RedactedEndpoint => _redacted;

    internal int MaxBytesPerMessage => (int)(_options.MaxAudioPerMessage.TotalSeconds * SampleRate) * 2;

    /// <summary>Opens the socket the started session's <c>new</c> named (<see cref="StartAvatarResponse.RealtimeEndpoint"/>).</summary>
    /// <param name="avatar">The avatar whose session to speak for.</param>
    /// <param name="options">Keep-alive, reconnect, logging and time; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected socket.</returns>
    /// <exception cref="InvalidOperationException">The avatar has no session, or its session has no realtime endpoint.</exception>
    public static async Task<RealtimeAudioSocket> OpenAsync(StreamingAvatar avatar, RealtimeAudioSocketOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(avatar);
        var endpoint = avatar.SessionInfo?.RealtimeEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            throw new InvalidOperationException("The avatar has no session with a realtime endpoint; create the session first.");
        }

        var socket = new RealtimeAudioSocket(endpoint, options);
        try
        {
            await socket.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens the socket and starts receiving; returns when it is open (audio may be sent at once).</summary>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>A task that completes when the socket is open.</returns>
    /// <exception cref="InvalidOperationException">It was already connected, or closed.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_core.IsDisposed, this);
        Log.RealtimeAudioConnecting(_logger, _redacted);
        try
        {
            // Armed before it returns, on the injected scheduler (ADR 0007): the keep-alive, and the receive loop started.
            await _core.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChatSocketHandshakeException refused) when (refused.InnerException is WebSocketException original)
        {
            // A refused upgrade throws the runtime's WebSocketException, as a plain ClientWebSocket would.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(original);
            throw;
        }
    }

    /// <summary>Begins an utterance of your own audio; append to it, then end it.</summary>
    /// <param name="sampleRate">The rate of the PCM16 mono audio you will append (8,000 to 192,000 Hz; resampled to 24 kHz).</param>
    /// <returns>The utterance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sample rate is out of range.</exception>
    public RealtimeUtterance BeginUtterance(int sampleRate = SampleRate)
    {
        if (sampleRate is < 8_000 or > 192_000)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be between 8000 and 192000 Hz.");
        }

        var utterance = new RealtimeUtterance(this, NextId("utt"), sampleRate, _time);
        lock (_gate)
        {
            if (_closed)
            {
                utterance.MarkEnded(SpeakOutcome.SessionClosed, null);
            }
            else
            {
                _utterances[utterance.EventId] = utterance;
            }
        }

        return utterance;
    }

    /// <summary>Says one buffer of PCM16 mono audio as one utterance (sent in messages of about a second, then ended).</summary>
    /// <param name="pcm16">Whole 16-bit little-endian samples.</param>
    /// <param name="sampleRate">Their rate (resampled to 24 kHz).</param>
    /// <param name="cancellationToken">Cancels the sends.</param>
    /// <returns>The utterance; await its <see cref="RealtimeUtterance.Completed"/> for the end of the speech.</returns>
    /// <exception cref="ArgumentException">The audio has an odd number of bytes (nothing was sent).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The sample rate is out of range.</exception>
    public async Task<RealtimeUtterance> SpeakAsync(ReadOnlyMemory<byte> pcm16, int sampleRate = SampleRate, CancellationToken cancellationToken = default)
    {
        if (pcm16.Length % 2 != 0)
        {
            throw new ArgumentException($"PCM16 audio is whole 2-byte samples; got {pcm16.Length} bytes.", nameof(pcm16));
        }

        var utterance = BeginUtterance(sampleRate);
        await utterance.AppendAsync(pcm16, cancellationToken).ConfigureAwait(false);
        await utterance.EndAsync(cancellationToken).ConfigureAwait(false);
        return utterance;
    }

    /// <summary>Says what an audio source gives, to its end, as one utterance (the first message short, then about a second each).</summary>
    /// <param name="source">The source (the SDK's sources give 16 kHz PCM16 mono); not disposed.</param>
    /// <param name="sampleRate">The source's rate (default 16 kHz; resampled to 24 kHz).</param>
    /// <param name="cancellationToken">Cancels reading and sending.</param>
    /// <returns>The utterance, once it was ended (or, when an interrupt cut it, once reading stopped).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sample rate is out of range.</exception>
    public async Task<RealtimeUtterance> SpeakAsync(IAudioSource source, int sampleRate = ChatProtocol.AudioSampleRate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var utterance = BeginUtterance(sampleRate);
        var first = sampleRate / 4 * 2;
        var rest = sampleRate * 2;
        var buffer = new ArrayBufferWriter<byte>();
        var read = new byte[4096];
        var sent = false;
        while (true)
        {
            var count = await source.ReadAsync(read, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                break;
            }

            buffer.Write(read.AsSpan(0, count));
            if (buffer.WrittenCount >= (sent ? rest : first))
            {
                var whole = buffer.WrittenCount / 2 * 2;
                await utterance.AppendAsync(buffer.WrittenMemory[..whole].ToArray(), cancellationToken).ConfigureAwait(false);
                var left = buffer.WrittenSpan[whole..].ToArray();
                buffer.Clear();
                buffer.Write(left);
                sent = true;
                if (utterance.IsCut)
                {
                    break; // an interrupt cut it: the rest of the source would be dropped anyway
                }
            }
        }

        var tail = buffer.WrittenCount / 2 * 2;
        if (tail > 0)
        {
            await utterance.AppendAsync(buffer.WrittenMemory[..tail].ToArray(), cancellationToken).ConfigureAwait(false);
        }

        await utterance.EndAsync(cancellationToken).ConfigureAwait(false);
        return utterance;
    }

    /// <summary>
    /// Interrupts the avatar (<c>agent.interrupt</c>): the utterance it speaks and those queued end as interrupted.
    /// Every utterance begun before the interrupt is cut, whether or not its audio had reached the server: what is
    /// appended to it afterwards is dropped and its end is not sent, so nothing begun before an interrupt is spoken
    /// after it. One of which no audio had gone out ends at once, as interrupted after 0 ms.
    /// </summary>
    /// <param name="cancellationToken">Cancels the send (while it waits for another message to go out).</param>
    /// <returns>A task that completes when the message was sent.</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    public async Task InterruptAsync(CancellationToken cancellationToken = default)
    {
        var unheard = new List<RealtimeUtterance>();
        try
        {
            // The utterances are cut under the send lock, in the order the messages go out: an append that takes the
            // lock after the interrupt finds its utterance cut, one that took it before went out ahead of the interrupt.
            await SendAsync(
                static s =>
                {
                    s.Socket.CutUtterances(s.Unheard);
                    return s.Message;
                },
                (Socket: this, Unheard: unheard, Message: ControlMessage(RealtimeMessageTypes.Interrupt, NextId("evt"))),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The server never heard of these: no event will end them.
            foreach (var utterance in unheard)
            {
                utterance.MarkEnded(SpeakOutcome.Interrupted, 0);
            }
        }
    }

    /// <summary>Puts the avatar in listening mode (<c>agent.start_listening</c>).</summary>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message was sent.</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    public Task StartListeningAsync(CancellationToken cancellationToken = default) => SendControlAsync(RealtimeMessageTypes.StartListening, NextId("evt"), cancellationToken);

    /// <summary>Ends listening mode (<c>agent.stop_listening</c>).</summary>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message was sent.</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    public Task StopListeningAsync(CancellationToken cancellationToken = default) => SendControlAsync(RealtimeMessageTypes.StopListening, NextId("evt"), cancellationToken);

    /// <summary>Keeps the session alive (<c>session.keep_alive</c>); sent automatically every <see cref="RealtimeAudioSocketOptions.KeepAliveInterval"/>.</summary>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message was sent.</returns>
    /// <exception cref="InvalidOperationException">The socket is not open.</exception>
    public Task KeepAliveAsync(CancellationToken cancellationToken = default) => SendControlAsync(RealtimeMessageTypes.KeepAlive, NextId("evt"), cancellationToken);

    /// <summary>Closes the socket (normal closure), ends the utterances in progress as closed and completes the streams.</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public ValueTask DisposeAsync() => _core.DisposeAsync();

    /// <inheritdoc />
    public override string ToString() => $"RealtimeAudioSocket {{ Endpoint = {_redacted}, State = {CurrentState} }}";

    /// <summary>Sends one piece of an utterance's audio, unless an interrupt cut the utterance first.</summary>
    internal Task SendSpeakAsync(RealtimeUtterance utterance, ReadOnlyMemory<byte> audio, CancellationToken cancellationToken)
    {
        var json = new ArrayBufferWriter<byte>(audio.Length * 4 / 3 + 96);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString(RealtimeProtocol.TypeProperty, RealtimeMessageTypes.Speak);
            writer.WriteString(RealtimeProtocol.EventIdProperty, utterance.EventId);
            writer.WriteBase64String(RealtimeProtocol.AudioProperty, audio.Span);
            writer.WriteEndObject();
        }

        return SendAsync(
            static s => s.Utterance.TryClaimSend() ? s.Message : ReadOnlyMemory<byte>.Empty,
            (Utterance: utterance, Message: json.WrittenMemory),
            cancellationToken);
    }

    /// <summary>Sends an utterance's end, unless an interrupt cut it first.</summary>
    internal Task SendSpeakEndAsync(RealtimeUtterance utterance, CancellationToken cancellationToken) =>
        SendAsync(
            static s => s.Utterance.IsCut ? ReadOnlyMemory<byte>.Empty : s.Message,
            (Utterance: utterance, Message: ControlMessage(RealtimeMessageTypes.SpeakEnd, utterance.EventId)),
            cancellationToken);

    internal Task SendControlAsync(string type, string eventId, CancellationToken cancellationToken) =>
        SendAsync(static message => message, ControlMessage(type, eventId), cancellationToken);

    private static ReadOnlyMemory<byte> ControlMessage(string type, string eventId)
    {
        var json = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString(RealtimeProtocol.TypeProperty, type);
            writer.WriteString(RealtimeProtocol.EventIdProperty, eventId);
            writer.WriteEndObject();
        }

        return json.WrittenMemory;
    }

    /// <summary>Cuts every utterance begun so far (under the send lock); those none of whose audio went out are forgotten and given back.</summary>
    private void CutUtterances(List<RealtimeUtterance> unheard)
    {
        lock (_gate)
        {
            foreach (var utterance in _utterances.Values)
            {
                if (!utterance.Cut())
                {
                    unheard.Add(utterance);
                }
            }

            foreach (var utterance in unheard)
            {
                _utterances.Remove(utterance.EventId);
            }
        }
    }

    private async Task SendAsync<TState>(Func<TState, ReadOnlyMemory<byte>> encode, TState state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_core.IsDisposed, this);
        switch (_core.CurrentStatus)
        {
            case null:
                throw new InvalidOperationException("Call ConnectAsync before sending.");
            case ReconnectingWebSocketStatus.Closed:
                throw new InvalidOperationException("The realtime audio socket is closed.");
        }

        // On the connection current once the send lock is taken (a reconnect may have replaced this one meanwhile).
        if (!await _core.TrySendAsync(encode, state, WebSocketMessageType.Text, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The realtime audio socket is not open.");
        }
    }

    private string NextId(string kind) => $"{kind}_{_idPrefix}_{Interlocked.Increment(ref _ids)}";

    void IWebSocketProtocol.OnMessage(ReadOnlySpan<byte> message, WebSocketMessageType type, long receivedTimestamp)
    {
        if (type == WebSocketMessageType.Text)
        {
            Dispatch(RealtimeAudioEventParser.Parse(Encoding.UTF8.GetString(message), _time.GetUtcNow()));
        }
    }

    bool IWebSocketProtocol.IsFinal(int closeStatus) => RealtimeProtocol.IsFinal(closeStatus);

    Task IWebSocketProtocol.SendKeepAliveAsync(CancellationToken cancellationToken) => KeepAliveAsync(cancellationToken);

    void IWebSocketProtocol.OnStatus(ReconnectingWebSocketStatus status)
    {
        if (status is ReconnectingWebSocketStatus.Reconnecting reconnecting)
        {
            if (reconnecting.Attempt == 1)
            {
                // The server forgets what it was saying with the connection.
                EndUtterances(SpeakOutcome.Interrupted);
            }

            var reason = reconnecting.Description ?? reconnecting.CloseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "connection lost";
            Log.RealtimeAudioReconnecting(_logger, reason, reconnecting.Attempt, reconnecting.Delay.TotalMilliseconds);
            SetState(RealtimeAudioState.Reconnecting);
        }

        // Open is the transport's: the state says Connected when the server says the session is (session.state_updated).
    }

    void IWebSocketProtocol.OnClosed(ReconnectingWebSocketStatus.Closed closed) => CloseForGood(closed.CloseStatus, closed.Description);

    private void Dispatch(RealtimeAudioEvent evt)
    {
        switch (evt)
        {
            case RealtimeSpeakStarted:
                Find(evt.EventId, remove: false)?.MarkStarted();
                break;
            case RealtimeSpeakEnded ended:
                Find(evt.EventId, remove: true)?.MarkEnded(SpeakOutcome.Completed, ended.DurationMs);
                break;
            case RealtimeSpeakInterrupted cut:
                Find(evt.EventId, remove: true)?.MarkEnded(SpeakOutcome.Interrupted, cut.DurationMs);
                break;
            case RealtimeSessionStateUpdated updated:
                switch (updated.State)
                {
                    case RealtimeStates.Connecting:
                        SetState(RealtimeAudioState.Connecting);
                        break;
                    case RealtimeStates.Connected:
                        SetState(RealtimeAudioState.Connected);
                        break;
                    case RealtimeStates.Closing or RealtimeStates.Closed:
                        SetState(RealtimeAudioState.Closing);
                        break;
                }

                break;
            case RealtimeAudioError error:
                Log.RealtimeAudioRefused(_logger, error.Code, error.Message);
                break;
        }

        _events.OnNext(evt);
    }

    private RealtimeUtterance? Find(string? eventId, bool remove)
    {
        if (eventId is null)
        {
            return null;
        }

        lock (_gate)
        {
            if (!_utterances.TryGetValue(eventId, out var utterance))
            {
                return null;
            }

            if (remove)
            {
                _utterances.Remove(eventId);
            }

            return utterance;
        }
    }

    private void EndUtterances(SpeakOutcome outcome)
    {
        List<RealtimeUtterance> open;
        lock (_gate)
        {
            open = [.. _utterances.Values];
            _utterances.Clear();
        }

        foreach (var utterance in open)
        {
            utterance.MarkEnded(outcome, null);
        }
    }

    private void SetState(RealtimeAudioState state)
    {
        lock (_gate)
        {
            if (!_closed && _currentState != state)
            {
                _currentState = state;
                _state.Enqueue(state);
            }
        }

        _state.Drain();
    }

    /// <summary>The one close path: whatever the cause, the utterances end, the timer stops and the streams complete.</summary>
    private void CloseForGood(int? status, string? description)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _currentState = RealtimeAudioState.Closed;
            _state.Enqueue(RealtimeAudioState.Closed);
        }

        EndUtterances(SpeakOutcome.SessionClosed);
        Log.RealtimeAudioClosed(_logger, status, description);
        _state.OnCompleted();
        _events.OnCompleted();
    }
}
