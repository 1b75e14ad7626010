using KonPro.StreamingAvatar.Events;
using Microsoft.Extensions.Logging;
using Reason = KonPro.StreamingAvatar.DisconnectReason;

namespace KonPro.StreamingAvatar;

public partial class StreamingAvatar
{
    private async Task ConnectAsync(StartAvatarResponse session, StartAvatarRequest request, CancellationToken cancellationToken)
    {
        var (chat, subscriptions) = OpenChat(session, request, request.UseSilencePrompt ?? false);
        lock (_gate)
        {
            _chat = chat;
            _chatSubscriptions = subscriptions;
            _socketSilencePrompt = request.UseSilencePrompt ?? false;
        }

        using var timeout = new CancellationTokenSource(_options.StreamReadyTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await chat.ConnectAsync(linked.Token).ConfigureAwait(false);
            if (_options.RoomConnector is { } connector)
            {
                var room = await connector.ConnectAsync(new AvatarRoomConnectRequest(session.SessionId, session.Url, session.AccessToken), linked.Token).ConfigureAwait(false);
                var roomSubscription = new CompositeSubscription(room.DataMessages.Subscribe(new RoomObserver(this)), SubscribeRoomQuality(room));
                lock (_gate)
                {
                    _room = room;
                    _roomSubscription = roomSubscription;
                }

                await room.MediaReady.WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The stream was not ready within {_options.StreamReadyTimeout.TotalSeconds} s (StreamingAvatarOptions.StreamReadyTimeout).");
        }

        lock (_gate)
        {
            if (_chatClosed is { } closed)
            {
                throw new InvalidOperationException(
                    $"The chat socket closed while the session was starting: {closed.Reason} (close status {closed.CloseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
            }

            if (_state != SessionState.Connecting)
            {
                throw new InvalidOperationException($"The session left the Connecting state while connecting (state {_state}).");
            }

            SetStateLocked(SessionState.Connected);
        }

        DrainState();

        Ingest(new StreamReady { SessionId = session.SessionId, ReceivedAt = _time.GetUtcNow() }, EventChannel.Client);
    }

    private (IChatChannel Chat, IDisposable Subscriptions) OpenChat(StartAvatarResponse session, StartAvatarRequest request, bool silencePrompt)
    {
        var chat = _chatFactory(new ChatChannelRequest(
            _rest.BaseUri,
            session.SessionId,
            // The chat socket takes the session token, or the API key when the client runs on one; the socket
            // logs its URL with the token masked.
            _rest.Credential.Secret,
            SilenceResponse: silencePrompt,
            PushToTalk: request.EnablePushToTalk ?? false,
            LiveKitTransport: request.VoiceChatTransport == VoiceChatTransport.LiveKit,
            _options.ReconnectPolicy));
        var subscriptions = new CompositeSubscription(
            chat.Events.Subscribe(new DelegateObserver<StreamingEvent>(e => Ingest(e, EventChannel.ChatSocket))),
            chat.Status.Subscribe(new DelegateObserver<ChatChannelStatus>(status =>
            {
                // Only the current socket speaks for the session (a replaced one closes quietly).
                if (ReferenceEquals(Volatile.Read(ref _chat), chat))
                {
                    OnChatStatus(status);
                }
            })));
        return (chat, subscriptions);
    }

    /// <summary>Replaces the chat socket with one opened with another silence-prompt setting.</summary>
    private async Task ReopenChatAsync(bool silencePrompt, CancellationToken cancellationToken)
    {
        StartAvatarResponse session;
        StartAvatarRequest request;
        lock (_gate)
        {
            session = _session!;
            request = _request!;
        }

        var (chat, subscriptions) = OpenChat(session, request, silencePrompt);
        try
        {
            await chat.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            subscriptions.Dispose();
            await chat.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        IChatChannel? old;
        IDisposable? oldSubscriptions;
        lock (_gate)
        {
            old = _chat;
            oldSubscriptions = _chatSubscriptions;
            _chat = chat;
            _chatSubscriptions = subscriptions;
            _socketSilencePrompt = silencePrompt;
        }

        oldSubscriptions?.Dispose();
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnChatStatus(ChatChannelStatus status)
    {
        switch (status)
        {
            case ChatChannelStatus.Open { Reconnected: true }:
                // Armed before the state says Connected, so whoever drives a virtual clock on seeing it finds the timers armed.
                _speaks.BoundPendingAfterReconnect(_scheduler, _options.SpeakOutcomeTimeout);
                if (TransitionIf(SessionState.Reconnecting, SessionState.Connected))
                {
                    _telemetry.Reconnects.Add(1);
                }

                break;
            case ChatChannelStatus.Reconnecting:
                TransitionIf(SessionState.Connected, SessionState.Reconnecting);
                break;
            case ChatChannelStatus.Closed closed:
                OnChatClosed(closed);
                break;
        }
    }

    private void OnChatClosed(ChatChannelStatus.Closed closed)
    {
        lock (_gate)
        {
            _chatClosed = closed;
            if (_stopTask is not null || _state is SessionState.Disconnecting or SessionState.Closed)
            {
                return;
            }

            _disconnectReason ??= closed.Reason;
            if (_state is SessionState.Creating or SessionState.Starting or SessionState.Connecting)
            {
                // The start in progress sees the closed socket and fails (and stops the session).
                return;
            }

            // The server (or the network) ended the session's socket for good: close this side, in the background
            // so the socket's own loop is not blocked, and stop a session that may still live on the server.
            var mayStillLive = closed.Reason is Reason.NetworkLost or Reason.ServerClosed;
            _stopTask = CloseAfterDropAsync(closed, mayStillLive);
        }
    }

    private async Task CloseAfterDropAsync(ChatChannelStatus.Closed closed, bool stopOnServer)
    {
        await Task.Yield();
        string? sessionId;
        lock (_gate)
        {
            sessionId = _session?.SessionId;
        }

        await StopVoiceChatCoreAsync().ConfigureAwait(false);
        StopKeepAlive();
        if (stopOnServer && sessionId is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StopOnFailureTimeout, _time);
                var body = new Api.SessionIdRequest { Session_id = sessionId };
                await _rest.CallAsync("StopSession", (api, ct) => api.StopSessionAsync(body, ct), r => (r.Code, r.Message), timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // best effort after a drop; logged
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.StopFailed(_logger, sessionId, _redactor.Redact(exception.Message) ?? string.Empty);
            }
        }

        await CloseTransportsAsync().ConfigureAwait(false);
        CloseLocally(closed.Reason, closed.CloseStatus, closed.Description);
    }

    /// <summary>The room ended on its own (not because the session is stopping): the stream is gone, so the session closes.</summary>
    private void OnRoomClosed(Exception? error)
    {
        if (error is not null)
        {
            Log.RoomFailed(_logger, _redactor.Redact(error.Message) ?? error.GetType().Name);
        }

        OnChatClosed(RoomClosedStatus(Volatile.Read(ref _room)));
    }

    private void OnRoomMessage(ReadOnlyMemory<byte> message)
    {
        string? sessionId;
        lock (_gate)
        {
            sessionId = _session?.SessionId;
        }

        if (StreamingEventParser.TryParse(message.Span, StreamingEventParser.DataChannelNameProperty, sessionId, _time.GetUtcNow(), out var evt))
        {
            Ingest(evt, EventChannel.Room);
        }
        else
        {
            Log.MalformedMessage(_logger, "room data message of " + message.Length + " bytes is not a JSON event");
        }
    }

    private IChatChannel CreateChatChannel(ChatChannelRequest request) => new ChatSocketChannel(
        new Realtime.ChatSocketOptions
        {
            BaseUri = request.BaseUri,
            SessionId = request.SessionId,
            SessionToken = request.SessionToken,
            SilenceResponse = request.SilenceResponse,
            PushToTalk = request.PushToTalk,
            LiveKitTransport = request.LiveKitTransport,
            ReconnectPolicy = request.ReconnectPolicy,
            IsSessionAlive = () => CurrentState is not (SessionState.Disconnecting or SessionState.Closed),
            TimeProvider = _time,
            Scheduler = _scheduler,
            Logger = _logger,
        },
        _logger);

    private sealed class RoomObserver(StreamingAvatar owner) : IObserver<ReadOnlyMemory<byte>>
    {
        public void OnNext(ReadOnlyMemory<byte> value) => owner.OnRoomMessage(value);

        public void OnError(Exception error) => owner.OnRoomClosed(error);

        public void OnCompleted() => owner.OnRoomClosed(error: null);
    }
}

/// <summary>Forwards <see cref="IObserver{T}.OnNext"/> to a delegate; ignores errors and completion.</summary>
internal sealed class DelegateObserver<T>(Action<T> onNext) : IObserver<T>
{
    public void OnNext(T value) => onNext(value);

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}

/// <summary>Disposes several subscriptions together.</summary>
internal sealed class CompositeSubscription(params IDisposable[] parts) : IDisposable
{
    public void Dispose()
    {
        foreach (var part in parts)
        {
            part.Dispose();
        }
    }
}
