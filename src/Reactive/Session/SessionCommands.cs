using KonPro.Streaming.Api;
using KonPro.Streaming.Speaking;
using KonPro.Streaming.Voice;

namespace KonPro.Streaming.Session;

/// <summary>
/// The calls that drive a started session, but for speaking (<see cref="Speaking.SpeakCommands"/>): listening,
/// keep-alive, typed messages, voice chat and push-to-talk. Each checks the session's state first, with a clear
/// message. They see the session through a narrow <see cref="ISessionContext"/>, not the engine that owns them.
/// </summary>
internal sealed class SessionCommands
{
    private readonly ISessionContext _context;
    private readonly SessionCalls _calls;
    private readonly SessionTransports _transports;
    private readonly CancellationToken _lifetime;

    public SessionCommands(ISessionContext context, SessionCalls calls, SessionTransports transports, CancellationToken lifetime)
    {
        _context = context;
        _calls = calls;
        _transports = transports;
        _lifetime = lifetime;
    }

    public Task StartListeningAsync(CancellationToken cancellationToken) =>
        _calls.SessionCallAsync("StartListening", _context.RequireStarted(nameof(StreamingAvatar.StartListeningAsync)), (api, body, ct) => api.StartListeningAsync(body, ct), cancellationToken);

    public Task StopListeningAsync(CancellationToken cancellationToken) =>
        _calls.SessionCallAsync("StopListening", _context.RequireStarted(nameof(StreamingAvatar.StopListeningAsync)), (api, body, ct) => api.StopListeningAsync(body, ct), cancellationToken);

    public Task KeepAliveAsync(CancellationToken cancellationToken) =>
        _calls.SessionCallAsync("KeepAlive", _context.RequireStarted(nameof(StreamingAvatar.KeepAliveAsync)), (api, body, ct) => api.KeepAliveAsync(body, ct), cancellationToken);

    public async Task SendMessageAsync(string text, CancellationToken cancellationToken)
    {
        _context.RequireStarted(nameof(StreamingAvatar.SendMessageAsync));
        _context.State.RequireConnected(nameof(StreamingAvatar.SendMessageAsync));
        var room = _transports.Room;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime);
        if (room is not null && _context.Request?.VoiceChatTransport == VoiceChatTransport.LiveKit)
        {
            await room.PublishAsync(text, linked.Token).ConfigureAwait(false);
        }
        else
        {
            await _transports.SendTextAsync(text, linked.Token).ConfigureAwait(false);
        }
    }

    public async Task StartVoiceChatAsync(StartVoiceChatRequest request, CancellationToken cancellationToken)
    {
        var sessionId = _context.RequireStarted(nameof(StreamingAvatar.StartVoiceChatAsync));
        _context.State.RequireConnected(nameof(StreamingAvatar.StartVoiceChatAsync));
        if (!_transports.HasChat)
        {
            throw new InvalidOperationException($"StartVoiceChatAsync needs a connected session (state Connected); the state is {_context.State.Current}.");
        }

        _context.Voice.Prepare(request.IsInputAudioMuted, _context.Request?.EnablePushToTalk == true);
        if (request.UseSilencePrompt is { } wanted && wanted != _transports.SilencePrompt)
        {
            await _transports.ReopenChatAsync(_context.Session!, _context.Request!, wanted, cancellationToken).ConfigureAwait(false);
        }

        await _calls.SessionCallAsync("StartListening", sessionId, (api, body, ct) => api.StartListeningAsync(body, ct), cancellationToken).ConfigureAwait(false);
        if (_context.State.Current != SessionState.Connected || !_transports.HasChat)
        {
            throw new InvalidOperationException($"Voice chat could not start: the state is {_context.State.Current}.");
        }

        // With the LiveKit voice-chat transport and a joined room, the user's audio is a microphone track in the room.
        var roomMicrophone = _context.Request?.VoiceChatTransport == VoiceChatTransport.LiveKit
            ? await _transports.StartRoomMicrophoneAsync(cancellationToken).ConfigureAwait(false)
            : null;
        await _context.Voice.StartAsync(request.AudioSource, roomMicrophone, cancellationToken).ConfigureAwait(false);
    }

    public async Task CloseVoiceChatAsync(CancellationToken cancellationToken)
    {
        var stopped = await _context.Voice.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _transports.StopRoomMicrophoneAsync().ConfigureAwait(false);
        var sessionId = _context.State.Current is SessionState.Connected or SessionState.Reconnecting ? _context.Session?.SessionId : null;
        if (stopped && sessionId is not null)
        {
            await _calls.SessionCallAsync("StopListening", sessionId, (api, body, ct) => api.StopListeningAsync(body, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PushToTalkAsync(bool held, CancellationToken cancellationToken)
    {
        var operation = held ? nameof(StreamingAvatar.PushToTalkStartAsync) : nameof(StreamingAvatar.PushToTalkStopAsync);
        _context.RequireStarted(operation);
        if (_context.Request?.EnablePushToTalk != true)
        {
            throw new InvalidOperationException($"{operation} needs a session started with StartAvatarRequest.EnablePushToTalk = true.");
        }

        var room = _transports.Room;
        if (room is null && !_context.Voice.IsActive)
        {
            throw new InvalidOperationException($"{operation} needs a joined room (StreamingAvatarOptions.RoomConnector) or running voice chat (StartVoiceChatAsync).");
        }

        _context.Voice.SetPushToTalkHeld(held);
        if (room is not null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime);
            await room.PublishAsync(held ? RoomDataMessages.PushToTalkStart : RoomDataMessages.PushToTalkStop, linked.Token).ConfigureAwait(false);
        }
    }
}
