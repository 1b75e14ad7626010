using KonPro.StreamingAvatar.Voice;

namespace KonPro.StreamingAvatar;

public partial class StreamingAvatar
{
    private const string PushToTalkStartMessage = "push_to_talk:start";
    private const string PushToTalkStopMessage = "push_to_talk:stop";

    private VoiceChatPump? _voice;
    private bool _inputMuted;
    private bool _pushToTalkHeld;

    /// <summary>Whether the user's input is muted (silence is sent while voice chat runs).</summary>
    public virtual bool IsInputAudioMuted
    {
        get
        {
            lock (_gate)
            {
                return _inputMuted;
            }
        }
    }

    /// <summary>Whether voice chat is running.</summary>
    public virtual bool IsVoiceChatActive
    {
        get
        {
            lock (_gate)
            {
                return _voice is not null;
            }
        }
    }

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
    public virtual async Task SendMessageAsync(string text, CancellationToken cancellationToken = default)
    {
        RequestValidation.ValidateMessage(text);
        RequireStarted(nameof(SendMessageAsync));
        IChatChannel? chat;
        IAvatarRoom? room;
        bool viaRoom;
        lock (_gate)
        {
            chat = _chat;
            room = _room;
            viaRoom = room is not null && _request?.VoiceChatTransport == VoiceChatTransport.LiveKit;
            if (_state != SessionState.Connected || (chat is null && !viaRoom))
            {
                throw new InvalidOperationException($"SendMessageAsync needs a connected session (state Connected); the state is {_state}.");
            }
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        if (viaRoom)
        {
            await room!.PublishAsync(text, linked.Token).ConfigureAwait(false);
        }
        else
        {
            await chat!.SendTextAsync(text, linked.Token).ConfigureAwait(false);
        }
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
    public virtual async Task StartVoiceChatAsync(StartVoiceChatRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.AudioSource, "request.AudioSource");
        var sessionId = RequireStarted(nameof(StartVoiceChatAsync));
        bool reopen;
        lock (_gate)
        {
            if (_state != SessionState.Connected || _chat is null)
            {
                throw new InvalidOperationException($"StartVoiceChatAsync needs a connected session (state Connected); the state is {_state}.");
            }

            if (_voice is not null)
            {
                throw new InvalidOperationException("Voice chat is already running; call CloseVoiceChatAsync first.");
            }

            reopen = request.UseSilencePrompt is { } wanted && wanted != _socketSilencePrompt;
            _inputMuted = request.IsInputAudioMuted;
        }

        if (reopen)
        {
            await ReopenChatAsync(request.UseSilencePrompt!.Value, cancellationToken).ConfigureAwait(false);
        }

        await SessionCallAsync("StartListening", sessionId, (api, body, ct) => api.StartListeningAsync(body, ct), cancellationToken).ConfigureAwait(false);
        var send = await StartRoomMicrophoneAsync(cancellationToken).ConfigureAwait(false) ?? SendAudioAsync;
        VoiceChatPump pump;
        lock (_gate)
        {
            if (_voice is not null || _chat is null || _state != SessionState.Connected)
            {
                throw new InvalidOperationException($"Voice chat could not start: the state is {_state}, or voice chat was started concurrently.");
            }

            pump = new VoiceChatPump(request.AudioSource, send, _scheduler, _logger, startMuted: EffectiveMuteLocked());
            _voice = pump;
        }

        await pump.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops voice chat (the audio source is left to the caller) and ends listening mode. Does nothing when voice chat is not running.</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes when no more audio is sent.</returns>
    public virtual async Task CloseVoiceChatAsync(CancellationToken cancellationToken = default)
    {
        var stopped = await StopVoiceChatCoreAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        string? sessionId;
        lock (_gate)
        {
            sessionId = _state is SessionState.Connected or SessionState.Reconnecting ? _session?.SessionId : null;
        }

        if (stopped && sessionId is not null)
        {
            await SessionCallAsync("StopListening", sessionId, (api, body, ct) => api.StopListeningAsync(body, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Mutes the user's input: voice chat sends silence until <see cref="UnmuteInputAudio"/>.</summary>
    public virtual void MuteInputAudio()
    {
        lock (_gate)
        {
            _inputMuted = true;
            ApplyMuteLocked();
        }
    }

    /// <summary>Unmutes the user's input (with push-to-talk enabled, audio still flows only while it is held).</summary>
    public virtual void UnmuteInputAudio()
    {
        lock (_gate)
        {
            _inputMuted = false;
            ApplyMuteLocked();
        }
    }

    /// <summary>
    /// Starts push-to-talk: the user's audio flows from now on (voice chat), and <c>"push_to_talk:start"</c> is
    /// published on the room's data channel when a room is joined.
    /// </summary>
    /// <param name="cancellationToken">Cancels publishing.</param>
    /// <returns>A task that completes when push-to-talk is on.</returns>
    /// <exception cref="InvalidOperationException">The session was not started with <see cref="StartAvatarRequest.EnablePushToTalk"/>, or there is neither a room nor voice chat.</exception>
    public virtual Task PushToTalkStartAsync(CancellationToken cancellationToken = default) => PushToTalkAsync(held: true, cancellationToken);

    /// <summary>Ends push-to-talk: voice chat sends silence again, and <c>"push_to_talk:stop"</c> is published on the room's data channel.</summary>
    /// <param name="cancellationToken">Cancels publishing.</param>
    /// <returns>A task that completes when push-to-talk is off.</returns>
    /// <exception cref="InvalidOperationException">The session was not started with <see cref="StartAvatarRequest.EnablePushToTalk"/>, or there is neither a room nor voice chat.</exception>
    public virtual Task PushToTalkStopAsync(CancellationToken cancellationToken = default) => PushToTalkAsync(held: false, cancellationToken);

    private async Task PushToTalkAsync(bool held, CancellationToken cancellationToken)
    {
        var operation = held ? nameof(PushToTalkStartAsync) : nameof(PushToTalkStopAsync);
        RequireStarted(operation);
        IAvatarRoom? room;
        lock (_gate)
        {
            if (_request?.EnablePushToTalk != true)
            {
                throw new InvalidOperationException($"{operation} needs a session started with StartAvatarRequest.EnablePushToTalk = true.");
            }

            room = _room;
            if (room is null && _voice is null)
            {
                throw new InvalidOperationException($"{operation} needs a joined room (StreamingAvatarOptions.RoomConnector) or running voice chat (StartVoiceChatAsync).");
            }

            _pushToTalkHeld = held;
            ApplyMuteLocked();
        }

        if (room is not null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            await room.PublishAsync(held ? PushToTalkStartMessage : PushToTalkStopMessage, linked.Token).ConfigureAwait(false);
        }
    }

    private bool EffectiveMuteLocked() => _inputMuted || (_request?.EnablePushToTalk == true && !_pushToTalkHeld);

    private void ApplyMuteLocked()
    {
        if (_voice is null)
        {
            return;
        }

        if (EffectiveMuteLocked())
        {
            _voice.Mute();
        }
        else
        {
            _voice.Unmute();
        }
    }

    private ValueTask SendAudioAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        IChatChannel? chat;
        lock (_gate)
        {
            chat = _chat;
        }

        return chat is null ? ValueTask.CompletedTask : new ValueTask(chat.SendAudioAsync(chunk, cancellationToken));
    }

    /// <summary>Stops the pump if one runs; true when it did.</summary>
    private async Task<bool> StopVoiceChatCoreAsync()
    {
        VoiceChatPump? pump;
        lock (_gate)
        {
            pump = _voice;
            _voice = null;
        }

        if (pump is null)
        {
            return false;
        }

        await pump.DisposeAsync().ConfigureAwait(false);
        await StopRoomMicrophoneAsync().ConfigureAwait(false);
        return true;
    }
}
