using KonPro.Streaming.Testing.Sessions;

namespace KonPro.Streaming.Testing.Chat;

/// <summary>
/// The chat sockets bound to one session: the channel that carries the session's events to them. Each event the
/// delivery sends to the chat socket is rendered once (<see cref="ChatEvents.Render"/>) and the same text is queued on
/// every socket; the session's close closes them.
/// </summary>
internal sealed class SessionChatSockets(FakeSession session) : ISessionEventSink
{
    private readonly Lock _gate = new();
    private ChatConnection[] _sockets = [];

    /// <summary>The sockets bound now.</summary>
    public IReadOnlyList<ChatConnection> Sockets => Volatile.Read(ref _sockets);

    /// <summary>Binds a socket; false when the session has closed meanwhile.</summary>
    public bool TryAdd(ChatConnection connection)
    {
        lock (_gate)
        {
            if (!session.TryAttachSocket())
            {
                return false;
            }

            Volatile.Write(ref _sockets, [.. _sockets, connection]);
            return true;
        }
    }

    /// <summary>Lets go of a socket (once; a socket that was never bound is ignored).</summary>
    public void Remove(ChatConnection connection)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_sockets, connection) < 0)
            {
                return;
            }

            Volatile.Write(ref _sockets, [.. _sockets.Where(s => s != connection)]);
            session.DetachSocket();
        }
    }

    /// <inheritdoc />
    public void OnEvent(in SessionEvent sessionEvent)
    {
        var sockets = Volatile.Read(ref _sockets);
        if (sockets.Length == 0 || !sessionEvent.GoesToChat(session.Delivery))
        {
            return;
        }

        var json = ChatEvents.Render(session.Id, sessionEvent);
        foreach (var socket in sockets)
        {
            socket.SendEvent(json);
        }
    }

    /// <inheritdoc />
    public void OnStarted()
    {
        // The chat socket has no message for the start; its clients learn of it from the REST answer.
    }

    /// <inheritdoc />
    public void OnClosed(int status, string reason)
    {
        ChatConnection[] sockets;
        lock (_gate)
        {
            // Under the lock that binds: a socket is either bound before the close (and closed here) or refused.
            sockets = _sockets;
        }

        foreach (var socket in sockets)
        {
            socket.Close(status, reason);
        }
    }
}
