using System.Reactive.Linq;
using KonPro.Streaming.Events;
using KonPro.Streaming.Realtime;
using KonPro.Streaming.Rooms;
using KonPro.Streaming.Session;
using KonPro.Streaming.Speaking;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reason = KonPro.Streaming.DisconnectReason;

namespace KonPro.Streaming;

/// <summary>
/// One interactive streaming avatar session: create and start it, make the avatar speak, talk to it by text or
/// voice, and observe what happens as typed events. The .NET counterpart of the reference SDK's
/// <c>StreamingAvatar</c>. Thread-safe. One instance drives one session; dispose it when done.
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="CreateStartAvatarAsync"/> (or <see cref="NewSessionAsync"/> then
/// <see cref="StartSessionAsync"/>) creates the session, starts it and connects the chat socket; the calls that
/// drive the avatar need a started session; <see cref="StopAvatarAsync"/> stops it. <see cref="State"/> tells where
/// the session is. Every input is validated before anything goes over the wire.</para>
/// <para>Without a <see cref="StreamingAvatarOptions.RoomConnector"/> the SDK runs on the chat socket alone:
/// events, typed messages and voice chat work, there is no audio or video of the avatar.</para>
/// <para><b>The observable contract.</b> <see cref="Events"/> is hot and multicast: a subscriber sees the events
/// that arrive after it subscribed, in arrival order, with no replay. <see cref="State"/>,
/// <see cref="IsAvatarTalking"/> and <see cref="IsUserTalking"/> replay their current value to each new subscriber,
/// then push changes. Values are delivered one at a time, never concurrently, on the thread that received them
/// (the chat socket's receive loop, the loop that reads the room's messages (never the room connector's own thread,
/// such as LiveKit's FFI dispatcher), the thread of the call that changed the state, or a thread-pool thread for a
/// stop or a drop); never while the client holds a lock of its own. Do not block in a
/// handler. A subscriber (or an <see cref="On"/> handler) that throws is logged and skipped: it keeps its
/// subscription and the others still get the value. A malformed message is logged and dropped. An event that
/// arrives on both the chat socket and the room's data channel is delivered once; identical consecutive events on
/// one channel are different events (the same word spoken twice) and are all delivered. Every stream completes
/// (never faults) when the session closes or the avatar is disposed; <see cref="Events"/> ends with a
/// <see cref="StreamDisconnected"/> event that carries the reason.</para>
/// <para>A chat socket whose server goes silent is dropped 30 s after the last byte it sent (an event, or the pong to
/// the ping the client sends after 15 s without hearing from it), timed on <see cref="StreamingAvatarOptions.TimeProvider"/>,
/// and counts as a network loss.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var avatar = new StreamingAvatar(new StreamingAvatarApiConfig { Token = sessionToken });
/// using var words = avatar.AvatarTalkingMessage.Subscribe(m => Console.Write(m.Message));
/// await avatar.CreateStartAvatarAsync(new StartAvatarRequest { Quality = AvatarQuality.High, Language = "en" });
/// var task = await avatar.SpeakAsync(new SpeakRequest { Text = "Hello!", TaskType = TaskType.Repeat, TaskMode = TaskMode.Async });
/// await task.WaitForCompletionAsync(TimeSpan.FromSeconds(30));
/// await avatar.StopAvatarAsync();
/// </code>
/// </example>
public partial class StreamingAvatar : IAsyncDisposable
{
    // Null only on a mocking instance (the protected constructor).
    private readonly SessionEngine? _engine;
    private readonly KonProRestClient? _rest;
    private readonly KonProTelemetry? _telemetry;
    private readonly Dictionary<(string Name, Action<StreamingEvent> Handler), Stack<IDisposable>> _handlers = [];

    /// <summary>Creates an avatar client with its own <see cref="HttpClient"/> and default options.</summary>
    /// <param name="config">The base URL and credential.</param>
    /// <exception cref="ArgumentException">The config has no credential, both, or a bad base URL.</exception>
    public StreamingAvatar(StreamingAvatarApiConfig config)
        : this(config, httpClient: null, options: null)
    {
    }

    /// <summary>
    /// Creates an avatar client on a shared <see cref="HttpClient"/> (never modified: the credential is put on each
    /// request, not on its default headers; it is not disposed with this client) with logging, scheduler and other options.
    /// </summary>
    /// <param name="config">The base URL and credential.</param>
    /// <param name="httpClient">The HTTP client to send through; a private one when null.</param>
    /// <param name="options">Logging, time, keep-alive, reconnect and room options; defaults when null.</param>
    /// <exception cref="ArgumentException">The config has no credential, both, or a bad base URL.</exception>
    public StreamingAvatar(StreamingAvatarApiConfig config, HttpClient? httpClient, StreamingAvatarOptions? options = null)
        : this(config, httpClient, options, connector: null)
    {
    }

    /// <summary>
    /// Creates an avatar client from an endpoint and a credential, the shape of .NET client libraries
    /// (<c>new XClient(endpoint, credential, options)</c>); the same client as one made from a <see cref="StreamingAvatarApiConfig"/>.
    /// </summary>
    /// <param name="endpoint">The base URL of the API, for example <c>https://api.konpro.ai</c>.</param>
    /// <param name="credential">A session token or the API key (see <see cref="KonProCredential"/>).</param>
    /// <param name="options">Logging, time, keep-alive, reconnect and room options; defaults when null.</param>
    /// <param name="httpClient">The HTTP client to send through (never modified, not disposed); a private one when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is null.</exception>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) URL.</exception>
    public StreamingAvatar(Uri endpoint, KonProCredential credential, StreamingAvatarOptions? options = null, HttpClient? httpClient = null)
        : this(StreamingAvatarApiConfig.From(endpoint, credential), httpClient, options, connector: null)
    {
    }

    /// <summary>Creates an avatar client whose chat socket opens through <paramref name="connector"/> (the one seam tests replace).</summary>
    internal StreamingAvatar(StreamingAvatarApiConfig config, HttpClient? httpClient, StreamingAvatarOptions? options, IWebSocketConnector? connector)
    {
        ArgumentNullException.ThrowIfNull(config);
        var baseUri = config.GetBaseUri();
        var credential = config.GetCredential();
        options ??= new StreamingAvatarOptions();
        options.ReconnectPolicy?.Validate();
        var logger = options.LoggerFactory?.CreateLogger(KonProDiagnostics.StreamingAvatarLogCategory) ?? NullLogger.Instance;
        var redactor = new SecretRedactor();
        _telemetry = new KonProTelemetry(options.MeterFactory);
        _rest = new KonProRestClient(httpClient, baseUri, credential, logger, _telemetry, options.TimeProvider ?? TimeProvider.System, redactor, options.Retry);
        _engine = new SessionEngine(_rest, options, logger, _telemetry, redactor, connector ?? new ClientWebSocketConnector(options.ConfigureChatSocket));
    }

    /// <summary>For mocking: a subclass overrides the members it uses; nothing else works on such an instance.</summary>
    protected StreamingAvatar()
    {
    }

    /// <summary>The id of the session, once <see cref="NewSessionAsync"/> (or <see cref="CreateStartAvatarAsync"/>) created it.</summary>
    public virtual string? SessionId => _engine?.Session?.SessionId;

    /// <summary>The created session (its room URL, access token and limits), once created.</summary>
    public virtual StartAvatarResponse? SessionInfo => _engine?.Session;

    /// <summary>The current state of the session (see <see cref="State"/> to observe changes).</summary>
    public virtual SessionState CurrentState => Engine.State.Current;

    /// <summary>Why the session ended, once it is <see cref="SessionState.Closed"/>.</summary>
    public virtual Reason? DisconnectReason => Engine.State.DisconnectReason;

    /// <summary>
    /// Every event of the session, typed (see <see cref="StreamingEvent"/>): hot, multicast, in arrival order, the
    /// other channel's copies dropped; completes when the session closes or the avatar is disposed. See the class
    /// remarks for the full contract.
    /// </summary>
    public virtual IObservable<StreamingEvent> Events => Engine.Ingest.Events.AsObservable();

    /// <summary>
    /// Data messages that other participants of the session's room published (another browser or device with the
    /// session's user token, an agent with its agent token): each with the sender's identity, its topic and its bytes.
    /// They are that participant's data, never the avatar's events (only the avatar's participant and the room's server
    /// speak for the avatar). Hot, one <c>OnNext</c> at a time; completes with <see cref="Events"/>. Empty without a
    /// <see cref="StreamingAvatarOptions.RoomConnector"/>.
    /// </summary>
    public virtual IObservable<AvatarRoomDataMessage> ParticipantData => Engine.Ingest.ParticipantData.AsObservable();

    /// <summary>The session's state: replays the current value, then each change; completes after <see cref="SessionState.Closed"/>.</summary>
    public virtual IObservable<SessionState> State => Engine.State.Changes;

    /// <summary>
    /// Whether the avatar is speaking: true from a task's <see cref="AvatarStartTalking"/> until every started task had its
    /// <see cref="AvatarStopTalking"/> (the same definition as the
    /// <see cref="StreamingEventObservableExtensions.IsAvatarTalking"/> operator over <see cref="Events"/>); replays the current value.
    /// </summary>
    public virtual IObservable<bool> IsAvatarTalking => Engine.Ingest.AvatarTalking.AsObservable();

    /// <summary>Whether the user is speaking (between <see cref="UserStart"/> and <see cref="UserStop"/>); replays the current value.</summary>
    public virtual IObservable<bool> IsUserTalking => Engine.Ingest.UserTalking.AsObservable();

    /// <summary>
    /// The session's joined LiveKit room: the avatar's video and audio frames, its tracks, connection quality and media
    /// counters. Null without a <see cref="StreamingAvatarOptions.RoomConnector"/>, and before the session connected or
    /// after it closed.
    /// </summary>
    public virtual IAvatarRoom? Room => _engine?.Room;

    /// <summary>The latest connection quality (from <see cref="ConnectionQualityChanged"/>; <see cref="ConnectionQuality.Unknown"/> until one arrives).</summary>
    public virtual ConnectionQuality ConnectionQuality => Engine.Ingest.ConnectionQuality;

    /// <summary>The avatar began speaking a task. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarStartTalking> AvatarStartTalking => Events.OfType<AvatarStartTalking>();

    /// <summary>The avatar stopped speaking a task. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarStopTalking> AvatarStopTalking => Events.OfType<AvatarStopTalking>();

    /// <summary>Chunks of the words the avatar speaks. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarTalkingMessage> AvatarTalkingMessage => Events.OfType<AvatarTalkingMessage>();

    /// <summary>The avatar sent a task's last chunk. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<AvatarEndMessage> AvatarEndMessage => Events.OfType<AvatarEndMessage>();

    /// <summary>User voice activity began. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserStart> UserStart => Events.OfType<UserStart>();

    /// <summary>User voice activity ended. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserStop> UserStop => Events.OfType<UserStop>();

    /// <summary>Transcribed user speech or typed user messages. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserTalkingMessage> UserTalkingMessage => Events.OfType<UserTalkingMessage>();

    /// <summary>The user's message is complete. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserEndMessage> UserEndMessage => Events.OfType<UserEndMessage>();

    /// <summary>The user has been silent for a while. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<UserSilence> UserSilence => Events.OfType<UserSilence>();

    /// <summary>The stream is ready. Hot (a late subscriber misses it; check <see cref="CurrentState"/>); completes with <see cref="Events"/>.</summary>
    public IObservable<StreamReady> StreamReady => Events.OfType<StreamReady>();

    /// <summary>The stream closed, with the reason. Hot; the last event of <see cref="Events"/>.</summary>
    public IObservable<StreamDisconnected> StreamDisconnected => Events.OfType<StreamDisconnected>();

    /// <summary>The connection quality changed. Hot; completes with <see cref="Events"/>.</summary>
    public IObservable<ConnectionQualityChanged> ConnectionQualityChanged => Events.OfType<ConnectionQualityChanged>();

    /// <summary>
    /// The chat socket reconnected after a drop: events between the gap's start and end may be missing. Hot;
    /// completes with <see cref="Events"/>.
    /// </summary>
    public IObservable<StreamReconnected> StreamReconnected => Events.OfType<StreamReconnected>();

    /// <summary>Whether the user's input is muted (silence is sent while voice chat runs).</summary>
    public virtual bool IsInputAudioMuted => Engine.Voice.IsMuted;

    /// <summary>Whether voice chat is running.</summary>
    public virtual bool IsVoiceChatActive => Engine.Voice.IsActive;

    private SessionEngine Engine => _engine ?? throw new NotSupportedException("This is a mocking instance: override the members it uses.");

    /// <summary>Creates a session, starts it and connects its chat socket (and room); returns when the stream is ready.</summary>
    /// <param name="request">What to start; validated before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the start; a session the server already created is then stopped.</param>
    /// <returns>The created session.</returns>
    /// <exception cref="ArgumentException">A field of <paramref name="request"/> is out of range (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">This instance already has a session.</exception>
    /// <exception cref="KonProApiException">The server refused (a call, or the chat socket's upgrade: <see cref="KonProApiException.Operation"/> <c>ConnectChatSocket</c>).</exception>
    public virtual async Task<StartAvatarResponse> CreateStartAvatarAsync(StartAvatarRequest request, CancellationToken cancellationToken = default)
    {
        // One span around new, start and connect: the chat socket's upgrade is part of this operation's trace.
        using var activity = _telemetry?.ActivitySource.StartActivity("KonPro CreateStartAvatar", System.Diagnostics.ActivityKind.Internal);
        try
        {
            var session = await NewSessionAsync(request, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(KonProDiagnostics.SessionIdTag, session.SessionId);
            await StartSessionAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// Creates a session (<c>new</c>) without starting it. The state stays <see cref="SessionState.Creating"/> until
    /// <see cref="StartSessionAsync"/>. When the call fails, no session exists and the instance is
    /// <see cref="SessionState.Inactive"/> again (reusable).
    /// </summary>
    /// <param name="request">What to create; validated before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the call; a session the server created anyway is stopped.</param>
    /// <returns>The created session.</returns>
    /// <exception cref="ArgumentException">A field of <paramref name="request"/> is out of range (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">This instance already has a session.</exception>
    /// <exception cref="KonProApiException">The server refused, or its answer carries no session.</exception>
    public virtual Task<StartAvatarResponse> NewSessionAsync(StartAvatarRequest request, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(request);
        return Engine.NewSessionAsync(request, RequestMapping.ToWire(request), cancellationToken);
    }

    /// <summary>Starts the created session (<c>start</c>) and connects its chat socket (and room); returns when the stream is ready.</summary>
    /// <param name="cancellationToken">Cancels the start; the session is then stopped.</param>
    /// <returns>A task that completes when the stream is ready (<see cref="StreamReady"/> was raised).</returns>
    /// <exception cref="InvalidOperationException">No session was created, or it was already started.</exception>
    /// <exception cref="KonProApiException">The server refused (<c>start</c>, or the chat socket's upgrade: <see cref="KonProApiException.Operation"/> <c>ConnectChatSocket</c>).</exception>
    /// <exception cref="TimeoutException">The stream was not ready within <see cref="StreamingAvatarOptions.StreamReadyTimeout"/>.</exception>
    public virtual Task StartSessionAsync(CancellationToken cancellationToken = default) => Engine.StartSessionAsync(cancellationToken);

    /// <summary>
    /// Stops the session (<c>stop</c>), stops voice chat, closes the chat socket and the room, and completes every
    /// stream. Idempotent: later and concurrent calls wait for the same stop. Does nothing without a session.
    /// </summary>
    /// <remarks>
    /// The chat socket closes while the server's <c>stop</c> is in flight. The room ends as the server ends it for an
    /// accepted stop, as with the web SDK; the client leaves the room itself at once when the stop fails, or one second
    /// after an accepted stop if the room has not ended by then. <see cref="StreamDisconnected"/> is raised once, after
    /// all of it.
    /// </remarks>
    /// <param name="cancellationToken">Stops waiting (the stop itself goes on).</param>
    /// <returns>A task that completes when the session is closed.</returns>
    /// <exception cref="KonProApiException">The server refused the stop (the local side is closed anyway).</exception>
    public virtual Task StopAvatarAsync(CancellationToken cancellationToken = default) =>
        _engine is null ? Task.CompletedTask : _engine.StopAsync().WaitAsync(cancellationToken);   // a mocking instance has nothing to stop

    /// <summary>
    /// Asks the avatar to speak (<c>task</c>), always sending the task type and mode. Returns a handle whose
    /// <see cref="SpeakHandle.Started"/> and <see cref="SpeakHandle.Completed"/> follow the task's events.
    /// With <see cref="TaskMode.Sync"/> the call returns when the avatar has finished; with <see cref="TaskMode.Async"/>
    /// as soon as the task is queued.
    /// </summary>
    /// <param name="request">The text (1 to 1,000 characters; see <see cref="SpeakRequest.SplitText"/>), type and mode.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task's handle.</returns>
    /// <exception cref="ArgumentException">The text is empty or too long (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task<SpeakHandle> SpeakAsync(SpeakRequest request, CancellationToken cancellationToken = default)
    {
        RequestValidation.Validate(request);
        return Engine.SpeakCommands.SpeakAsync(request, cancellationToken);
    }

    /// <summary>Interrupts what the avatar is saying (<c>interrupt</c>); every pending <see cref="SpeakHandle"/> completes as <see cref="SpeakOutcome.Interrupted"/>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the interrupt.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task InterruptAsync(CancellationToken cancellationToken = default) => Engine.SpeakCommands.InterruptAsync(cancellationToken);

    /// <summary>Puts the avatar in listening mode (<c>start_listening</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the call.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task StartListeningAsync(CancellationToken cancellationToken = default) => Engine.Commands.StartListeningAsync(cancellationToken);

    /// <summary>Ends listening mode (<c>stop_listening</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the call.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task StopListeningAsync(CancellationToken cancellationToken = default) => Engine.Commands.StopListeningAsync(cancellationToken);

    /// <summary>Resets the session's idle timer (<c>keep_alive</c>). See <see cref="StreamingAvatarOptions.AutoKeepAlive"/> to do it automatically.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server accepted the call.</returns>
    /// <exception cref="InvalidOperationException">The session is not started.</exception>
    /// <exception cref="KonProApiException">The server refused.</exception>
    public virtual Task KeepAliveAsync(CancellationToken cancellationToken = default) => Engine.Commands.KeepAliveAsync(cancellationToken);

    /// <summary>
    /// Sends a typed user message over the chat socket (a pipecat TextFrame); the avatar answers it as a
    /// <see cref="TaskType.Talk"/> task, and it comes back as <see cref="UserTalkingMessage"/> events.
    /// With a joined room and the LiveKit transport it goes over the room's data channel instead.
    /// </summary>
    /// <param name="text">The message: 1 to 1,000 characters.</param>
    /// <param name="cancellationToken">Cancels sending.</param>
    /// <returns>A task that completes when the message was sent.</returns>
    /// <exception cref="ArgumentException">The text is empty or too long (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">The session is not connected.</exception>
    public virtual Task SendMessageAsync(string text, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateMessage(text);
        return Engine.Commands.SendMessageAsync(text, cancellationToken);
    }

    /// <summary>
    /// Starts voice chat: puts the avatar in listening mode (<c>start_listening</c>) and streams the audio source
    /// to the chat socket in 32 ms chunks of 16 kHz PCM16 (paced in real time for file sources, on the options'
    /// scheduler). While the input is muted, or push-to-talk is enabled and not held, silence is sent instead.
    /// The server answers with <see cref="UserStart"/>/<see cref="UserStop"/>, the transcript and the avatar's reply.
    /// </summary>
    /// <param name="request">The audio source and options.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>A task that completes when audio is flowing.</returns>
    /// <exception cref="InvalidOperationException">The session is not connected, or voice chat is already running.</exception>
    /// <exception cref="KonProApiException">The server refused <c>start_listening</c>.</exception>
    public virtual Task StartVoiceChatAsync(StartVoiceChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.AudioSource, "request.AudioSource");
        return Engine.Commands.StartVoiceChatAsync(request, cancellationToken);
    }

    /// <summary>Stops voice chat (the audio source is left to the caller) and ends listening mode. Does nothing when voice chat is not running.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when no more audio is sent.</returns>
    public virtual Task CloseVoiceChatAsync(CancellationToken cancellationToken = default) => Engine.Commands.CloseVoiceChatAsync(cancellationToken);

    /// <summary>Mutes the user's input: voice chat sends silence until <see cref="UnmuteInputAudio"/>.</summary>
    public virtual void MuteInputAudio() => Engine.Voice.SetMuted(true);

    /// <summary>Unmutes the user's input (with push-to-talk enabled, audio still flows only while it is held).</summary>
    public virtual void UnmuteInputAudio() => Engine.Voice.SetMuted(false);

    /// <summary>
    /// Starts push-to-talk: the user's audio flows from now on (voice chat), and <c>"push_to_talk:start"</c> is
    /// published on the room's data channel when a room is joined.
    /// </summary>
    /// <param name="cancellationToken">Cancels publishing.</param>
    /// <returns>A task that completes when push-to-talk is on.</returns>
    /// <exception cref="InvalidOperationException">The session was not started with <see cref="StartAvatarRequest.EnablePushToTalk"/>, or there is neither a room nor voice chat.</exception>
    public virtual Task PushToTalkStartAsync(CancellationToken cancellationToken = default) => Engine.Commands.PushToTalkAsync(held: true, cancellationToken);

    /// <summary>Ends push-to-talk: voice chat sends silence again, and <c>"push_to_talk:stop"</c> is published on the room's data channel.</summary>
    /// <param name="cancellationToken">Cancels publishing.</param>
    /// <returns>A task that completes when push-to-talk is off.</returns>
    /// <exception cref="InvalidOperationException">The session was not started with <see cref="StartAvatarRequest.EnablePushToTalk"/>, or there is neither a room nor voice chat.</exception>
    public virtual Task PushToTalkStopAsync(CancellationToken cancellationToken = default) => Engine.Commands.PushToTalkAsync(held: false, cancellationToken);

    /// <summary>
    /// Registers a handler for the events named <paramref name="eventName"/> (one of <see cref="StreamingEvents"/>, or
    /// any wire name). A handler that throws is logged and keeps receiving later events. Registering the same handler
    /// twice calls it twice.
    /// </summary>
    /// <param name="eventName">The event's wire name, e.g. <see cref="StreamingEvents.AvatarStartTalking"/>.</param>
    /// <param name="handler">Called with each such event, on the thread that received it.</param>
    /// <returns>This instance, for chaining.</returns>
    public virtual StreamingAvatar On(string eventName, Action<StreamingEvent> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        // Subscribed straight to the hub (no Rx operator in between), so a handler that throws stays subscribed.
        var subscription = Events.Subscribe(System.Reactive.Observer.Create<StreamingEvent>(evt =>
        {
            if (string.Equals(evt.Name, eventName, StringComparison.Ordinal))
            {
                handler(evt);
            }
        }));
        lock (_handlers)
        {
            if (!_handlers.TryGetValue((eventName, handler), out var stack))
            {
                stack = new Stack<IDisposable>();
                _handlers[(eventName, handler)] = stack;
            }

            stack.Push(subscription);
        }

        return this;
    }

    /// <summary>Unregisters a handler registered with <see cref="On"/> (one registration per call); unknown handlers are ignored.</summary>
    /// <param name="eventName">The event's wire name.</param>
    /// <param name="handler">The handler given to <see cref="On"/>.</param>
    /// <returns>This instance, for chaining.</returns>
    public virtual StreamingAvatar Off(string eventName, Action<StreamingEvent> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        IDisposable? subscription = null;
        lock (_handlers)
        {
            if (_handlers.TryGetValue((eventName, handler), out var stack) && stack.TryPop(out subscription) && stack.Count == 0)
            {
                _handlers.Remove((eventName, handler));
            }
        }

        subscription?.Dispose();
        return this;
    }

    /// <summary>Stops the session (if any) and releases everything; safe to call twice, or while a call is in flight (which then fails).</summary>
    /// <returns>A task that completes when everything is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_engine is null)
        {
            // A mocking instance: its own stop is all there is.
            await StopAvatarAsync(CancellationToken.None).ConfigureAwait(false);
            GC.SuppressFinalize(this);
            return;
        }

        await _engine.DisposeAsync().ConfigureAwait(false);
        _rest?.Dispose();
        _telemetry?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"StreamingAvatar {{ SessionId = {SessionId}, State = {(_engine is null ? "mock" : CurrentState.ToString())} }}";
}
