using System.Reactive.Subjects;

namespace KonPro.StreamingAvatar.Tests.Support;

/// <summary>A chat channel the test drives by hand, for facade logic in virtual time (real REST still goes to the fake).</summary>
internal sealed class InMemoryChatChannel : IChatChannel
{
    private readonly Subject<StreamingEvent> _events = new();
    private readonly ReplaySubject<ChatChannelStatus> _status = new(1);

    public InMemoryChatChannel(ChatChannelRequest request) => Request = request;

    public ChatChannelRequest Request { get; }

    public List<string> SentTexts { get; } = [];

    public List<byte[]> SentAudio { get; } = [];

    public bool Closed { get; private set; }

    public IObservable<StreamingEvent> Events => _events;

    public IObservable<ChatChannelStatus> Status => _status;

    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        _status.OnNext(new ChatChannelStatus.Open(false));
        return Task.CompletedTask;
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken)
    {
        SentTexts.Add(text);
        return Task.CompletedTask;
    }

    public Task SendAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken)
    {
        lock (SentAudio)
        {
            SentAudio.Add(pcm.ToArray());
        }

        return Task.CompletedTask;
    }

    public Task CloseAsync(CancellationToken cancellationToken)
    {
        Finish(new ChatChannelStatus.Closed(DisconnectReason.ClientStop, 1000, "client_closed"));
        return Task.CompletedTask;
    }

    public void Push(StreamingEvent evt) => _events.OnNext(evt);

    public void Drop(int? closeStatus, DisconnectReason reason, string? description = null) =>
        Finish(new ChatChannelStatus.Closed(reason, closeStatus, description));

    public void Reconnecting() => _status.OnNext(new ChatChannelStatus.Reconnecting(1, DisconnectReason.NetworkLost, null));

    public void Reopened() => _status.OnNext(new ChatChannelStatus.Open(true));

    public ValueTask DisposeAsync()
    {
        Finish(new ChatChannelStatus.Closed(DisconnectReason.ClientStop, 1000, "client_closed"));
        return ValueTask.CompletedTask;
    }

    private void Finish(ChatChannelStatus.Closed closed)
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        _status.OnNext(closed);
        _status.OnCompleted();
        _events.OnCompleted();
    }
}
