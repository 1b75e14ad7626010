using System.Net.WebSockets;
using System.Text;
using Google.Protobuf;
using KonPro.Streaming.Api;
using KonPro.Streaming.Api.Frames;
using KonPro.Streaming.Testing.Speech;
using KonPro.Streaming.Testing.Rest;
using KonPro.Streaming.Testing.Sessions;
using Microsoft.AspNetCore.Http;

namespace KonPro.Streaming.Testing.Chat;

/// <summary>
/// The chat socket's behaviour: authenticates and binds each accepted socket to its session, decodes the
/// client's protobuf frames (text, audio through the voice activity detector) and answers them.
/// </summary>
internal sealed class ChatHub(FakeServerCore core, AvatarBehaviour avatar)
{
    public const string Path = ChatProtocol.Path;
    private const string ItemKey = "KonPro.ChatConnection";
    private int _open;

    /// <summary>How many accepted chat sockets have not ended yet.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public bool Refuses(HttpContext context) => core.Faults.ChatFor(context.Request.Query[ChatProtocol.SessionIdParameter].FirstOrDefault()).Refuse;

    /// <summary>
    /// Called before the upgrade is accepted: authenticate and bind the connection to its session, or queue the close
    /// that refuses it. Binding first means an event the session sends once the client sees the socket open (a task
    /// the client starts at once) is queued for it rather than sent to no socket; <see cref="OnAccepted"/> then starts
    /// the writer.
    /// </summary>
    public void Bind(HttpContext context)
    {
        var query = context.Request.Query;
        var sessionId = query[ChatProtocol.SessionIdParameter].FirstOrDefault();
        var token = query[ChatProtocol.SessionTokenParameter].FirstOrDefault();
        var connection = new ChatConnection(
            Guid.NewGuid(),
            () => core.Faults.ChatFor(sessionId),
            new VoiceActivityDetector(core.Options.VoiceActivityThreshold, core.Options.UtteranceEndSilence),
            core.Options.MaxChatMessageBytes,
            core.Options.ChatCloseTimeout);
        context.Items[ItemKey] = connection;
        Interlocked.Increment(ref _open);

        var tokenRecord = string.IsNullOrEmpty(token) ? null : core.Tokens.FindToken(token);
        var isApiKey = core.Tokens.IsApiKey(token);
        if (tokenRecord is null && !isApiKey)
        {
            Refuse(connection, sessionId, ChatCloseStatus.Unauthorized, ChatCloseStatus.UnauthorizedReason);
            return;
        }

        var session = string.IsNullOrEmpty(sessionId) ? null : core.Store.Find(sessionId);
        if (session is null || session.Phase == SessionPhase.Closed)
        {
            Refuse(connection, sessionId, ChatCloseStatus.SessionNotFound, ChatCloseStatus.SessionNotFoundReason);
            return;
        }

        var owns = tokenRecord is not null ? tokenRecord.SessionId == session.Id : session.Settings.OwnerApiKey == token;
        if (!owns)
        {
            Refuse(connection, sessionId, ChatCloseStatus.Unauthorized, ChatCloseStatus.UnauthorizedReason);
            return;
        }

        connection.Session = session;
        var sockets = session.GetOrSubscribe(s => new SessionChatSockets(s));
        connection.Bound = sockets;
        if (!sockets.TryAdd(connection))
        {
            Refuse(connection, sessionId, ChatCloseStatus.SessionNotFound, ChatCloseStatus.SessionNotFoundReason);
            return;
        }

        Log.ChatSocketBound(core.Logger, connection.Id, session.Id);
        if (IsTrue(query[ChatProtocol.SilenceResponseParameter].FirstOrDefault()) || session.Settings.SilenceResponse)
        {
            connection.SilenceTimer = core.Clock.CreatePeriodicTimer(() => PromptSilence(connection), core.Options.SilencePromptAfter);
        }
    }

    /// <summary>The upgrade was accepted: the connection's writer sends what is queued on the socket.</summary>
    public static void OnAccepted(HttpContext context, WebSocket socket)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is ChatConnection connection)
        {
            connection.Accepted(socket);
        }
    }

    /// <summary>The upgrade failed (the client went away before it): the connection lets go of its session.</summary>
    public void OnNotAccepted(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is ChatConnection connection)
        {
            connection.NotAccepted();
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>The chat sockets bound to one session (or to every session, for null), for the faults.</summary>
    public IEnumerable<ChatConnection> SocketsOf(string? sessionId) =>
        (sessionId is null ? core.Store.All() : core.Store.Find(sessionId) is { } one ? [one] : [])
            .SelectMany(s => s.Find<SessionChatSockets>()?.Sockets ?? []);

    /// <summary>The client sent a close: answer it (through the connection's writer) with a normal closure.</summary>
    public void OnClientClosed(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is ChatConnection connection)
        {
            connection.Close(1000, "closed_by_client");
        }
    }

    /// <summary>The receive loop ended: detach the socket and let its writer send what is queued (a close) first.</summary>
    public async Task OnEndedAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var value) && value is ChatConnection connection)
        {
            connection.Ended();
            await connection.DrainAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>Called by the socket's one receive loop once per received WebSocket frame (a piece of a message).</summary>
    public Task OnMessageAsync(HttpContext context, WebSocketMessageType messageType, ReadOnlySpan<byte> piece, bool endOfMessage)
    {
        if (!context.Items.TryGetValue(ItemKey, out var value) || value is not ChatConnection connection)
        {
            return Task.CompletedTask;
        }

        if (!connection.TryReassemble(piece, endOfMessage, out var whole))
        {
            Log.ChatMessageTooBig(core.Logger, connection.Id, connection.Session?.Id, core.Options.MaxChatMessageBytes);
            connection.Close(1009, "message_too_big");
            return Task.CompletedTask;
        }

        if (whole is null)
        {
            return Task.CompletedTask;
        }

        var sessionId = connection.Session?.Id;
        var at = core.Clock.UtcNow;
        if (messageType == WebSocketMessageType.Text)
        {
            var recorded = BodyPrefix.Of(whole, core.Options.MaxRecordedBodyBytes);
            core.Journal.Add(new ChatFrameRecord(at, sessionId, connection.Id, ChatFrameKind.TextMessage, null, recorded, whole.Length));
            return Task.CompletedTask;
        }

        Frame frame;
        try
        {
            frame = Frame.Parser.ParseFrom(whole);
        }
        catch (InvalidProtocolBufferException)
        {
            core.Journal.Add(new ChatFrameRecord(at, sessionId, connection.Id, ChatFrameKind.Malformed, null, null, whole.Length));
            return Task.CompletedTask;
        }

        var (kind, text) = frame.FrameCase switch
        {
            Frame.FrameOneofCase.Text => (ChatFrameKind.Text, frame.Text.Text),
            Frame.FrameOneofCase.Audio => (ChatFrameKind.Audio, (string?)null),
            Frame.FrameOneofCase.Transcription => (ChatFrameKind.Transcription, frame.Transcription.Text),
            _ => (ChatFrameKind.Empty, null),
        };
        // A frame larger than the recorded-body limit is journaled without its decoded content (kind and length stay).
        var small = whole.Length <= core.Options.MaxRecordedBodyBytes;
        core.Journal.Add(new ChatFrameRecord(at, sessionId, connection.Id, kind, small ? frame : null, small ? text : BodyPrefix.Of(text, core.Options.MaxRecordedBodyBytes), whole.Length));
        if (connection.Session is not { } session || session.Phase == SessionPhase.Closed)
        {
            return Task.CompletedTask;
        }

        try
        {
            switch (kind)
            {
                case ChatFrameKind.Text when !string.IsNullOrWhiteSpace(text):
                    UserSaid(connection, session, text!, alwaysAnswer: true);
                    break;
                case ChatFrameKind.Transcription when !string.IsNullOrWhiteSpace(text):
                    UserSaid(connection, session, text!, alwaysAnswer: false);
                    break;
                case ChatFrameKind.Audio:
                    OnAudio(connection, session, frame.Audio);
                    break;
            }
        }
#pragma warning disable CA1031 // a failing responder hook must not take the socket down; the frame is journaled already
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            // The user's words get no reply; the socket and the session go on.
            Log.ResponderFailed(core.Logger, ex, session.Id);
        }

        return Task.CompletedTask;
    }

    private void OnAudio(ChatConnection connection, FakeSession session, AudioRawFrame audio)
    {
        switch (connection.Vad.Process(audio.Audio.Span, (int)audio.SampleRate))
        {
            case VoiceActivity.Started:
                ResetSilence(connection);
                avatar.UserStarted(session);
                break;
            case VoiceActivity.Stopped:
                avatar.UserStopped(session);
                UserSaid(connection, session, avatar.Transcript(session, connection.Vad.LastUtterance), alwaysAnswer: false);
                break;
            default:
                if (connection.Vad.InSpeech)
                {
                    ResetSilence(connection);
                }

                break;
        }
    }

    private void UserSaid(ChatConnection connection, FakeSession session, string text, bool alwaysAnswer)
    {
        ResetSilence(connection);
        avatar.UserSaid(session, text, alwaysAnswer);
    }

    private void ResetSilence(ChatConnection connection)
    {
        connection.ResetSilenceCount();
        var period = core.Clock.ToReal(core.Options.SilencePromptAfter);
        connection.SilenceTimer?.Change(period, period);
    }

    private void PromptSilence(ChatConnection connection)
    {
        if (connection.Session is not { } session || connection.Vad.InSpeech)
        {
            return;
        }

        var times = connection.CountSilence();
        var max = core.Options.MaxSilencePrompts;
        if (times > max)
        {
            connection.SilenceTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        connection.SendEvent(ChatEvents.UserSilence(session.Id, times, max - times));
    }

    private void Refuse(ChatConnection connection, string? sessionId, int status, string reason)
    {
        Log.ChatSocketRefused(core.Logger, connection.Id, sessionId, status, reason);
        connection.Close(status, reason);
    }

    private static bool IsTrue(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";
}
