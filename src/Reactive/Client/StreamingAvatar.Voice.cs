namespace KonPro.StreamingAvatar;

public partial class StreamingAvatar
{
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

    private Task StopVoiceChatCoreAsync() => Task.CompletedTask;
}
