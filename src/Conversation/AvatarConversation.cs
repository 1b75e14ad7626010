using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KonPro.Streaming.Events;
using KonPro.Streaming.Speaking;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.Conversation;

/// <summary>
/// Connects a started <see cref="StreamingAvatar"/> to any <see cref="IChatClient"/>: each completed user utterance
/// (a voice transcript, or a message given to <see cref="SendAsync"/>) becomes a user turn in a kept history (after
/// the system prompt); the model's answer is streamed and spoken sentence by sentence as it arrives, so the avatar
/// starts speaking while the model is still writing. When the user speaks over the avatar (barge-in), the model's
/// stream is cancelled, the avatar is interrupted, queued sentences are dropped and the history keeps only what was
/// said. Turns are answered one at a time, in order; a newer user turn cuts the current answer short.
/// </summary>
/// <remarks>
/// <see cref="Turns"/> is hot, with no replay: a <see cref="UserTurn"/> when its answer begins, then its
/// <see cref="AssistantTurn"/>, delivered one at a time from the conversation's own task. It completes on
/// <see cref="DisposeAsync"/>. A failing model is reported in <see cref="AssistantTurn.Error"/>, never as
/// <c>OnError</c>. Latency figures go to the <c>KonPro.Streaming</c> meter.
/// </remarks>
/// <example>
/// <code>
/// await using var conversation = new AvatarConversation(avatar, chatClient, new AvatarConversationOptions { SystemPrompt = "You are a friendly guide." });
/// using var log = conversation.Turns.Subscribe(turn => Console.WriteLine(turn));
/// var answer = await conversation.SendAsync("Where is the museum?");
/// </code>
/// </example>
public sealed class AvatarConversation : IAsyncDisposable
{
    private readonly StreamingAvatar _avatar;
    private readonly IChatClient _chat;
    private readonly AvatarConversationOptions _options;
    private readonly IAnswerVoice _voice;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConversationTelemetry _telemetry;
    private readonly Lock _gate = new();
    private readonly List<ChatMessage> _history = [];
    private readonly Subject<ConversationTurn> _turns = new();
    private readonly Channel<PendingTurn> _queue = Channel.CreateUnbounded<PendingTurn>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly IDisposable _subscriptions;
    private readonly Task _loop;
    private ActiveTurn? _active;
    private int _disposed;

    /// <summary>Starts a conversation on a started avatar: from now on its user turns are answered by <paramref name="chatClient"/>.</summary>
    /// <param name="avatar">The avatar (its session started, or starting).</param>
    /// <param name="chatClient">The model; not disposed with the conversation.</param>
    /// <param name="options">The system prompt, chat options, barge-in and telemetry; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public AvatarConversation(StreamingAvatar avatar, IChatClient chatClient, AvatarConversationOptions? options = null)
        : this(avatar, chatClient, options, voice: null)
    {
    }

    internal AvatarConversation(StreamingAvatar avatar, IChatClient chatClient, AvatarConversationOptions? options, IAnswerVoice? voice)
    {
        ArgumentNullException.ThrowIfNull(avatar);
        ArgumentNullException.ThrowIfNull(chatClient);
        _options = options ?? new AvatarConversationOptions();
        _options.Validate();
        _avatar = avatar;
        _chat = chatClient;
        _voice = voice
            ?? (_options.RealtimeVoice is { } own ? new RealtimeAnswerVoice(own, _options.MaxPieceLength, _options.TimeProvider ?? TimeProvider.System) : new RepeatVoice(avatar, _options.MaxPieceLength));
        _time = _options.TimeProvider ?? TimeProvider.System;
        _logger = _options.LoggerFactory?.CreateLogger<AvatarConversation>() ?? NullLogger<AvatarConversation>.Instance;
        _telemetry = new ConversationTelemetry(_options.MeterFactory);
        if (!string.IsNullOrEmpty(_options.SystemPrompt))
        {
            _history.Add(new ChatMessage(ChatRole.System, _options.SystemPrompt));
        }

        var subscriptions = new List<IDisposable>();
        if (_options.ListenToVoice)
        {
            subscriptions.Add(avatar.Events.Transcript()
                .Where(static entry => entry.Speaker == Speaker.User && !string.IsNullOrWhiteSpace(entry.Text))
                .Subscribe(entry => Enqueue(entry.Text.Trim(), UserTurnSource.Voice)));
        }

        if (_options.BargeIn && _options.RealtimeVoice is null)
        {
            subscriptions.Add(avatar.Events.BargeIn(CutShortAsync).Subscribe(static _ => { }));
        }
        else if (_options.BargeIn)
        {
            // Own-voice speech does not show on the session's events: the user starting to speak while an answer is
            // being said is the barge-in.
            subscriptions.Add(avatar.UserStart.Subscribe(start => { _ = BargeInOnOwnVoiceAsync(); }));
        }

        _subscriptions = new CompositeSubscription(subscriptions);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The turns as they happen: hot, no replay; completes on <see cref="DisposeAsync"/>.</summary>
    public IObservable<ConversationTurn> Turns => _turns.AsObservable();

    /// <summary>The history sent with the next request: the system prompt, then the user and assistant messages kept so far (a snapshot).</summary>
    public IReadOnlyList<ChatMessage> History
    {
        get
        {
            lock (_gate)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>
    /// A typed user message: becomes a user turn (nothing is sent to the session for it), cutting short the answer in
    /// progress. Returns when the avatar has finished answering it (or the answer was cut short or failed).
    /// </summary>
    /// <param name="text">The message (not empty).</param>
    /// <param name="cancellationToken">Stops waiting (the turn goes on).</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> is empty or white space.</exception>
    /// <exception cref="ObjectDisposedException">The conversation was disposed.</exception>
    public Task<AssistantTurn> SendAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return Enqueue(text.Trim(), UserTurnSource.Typed).WaitAsync(cancellationToken);
    }

    /// <summary>Stops answering: cancels the model's stream, sends nothing more, completes <see cref="Turns"/>. The avatar is not stopped.</summary>
    /// <returns>A task that completes when the conversation has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _subscriptions.Dispose();
        _queue.Writer.TryComplete();
        await _lifetime.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for a turn.
        }

        while (_queue.Reader.TryRead(out var left))
        {
            left.Answer.TrySetCanceled();
        }

        _turns.OnCompleted();
        _telemetry.Dispose();
        _lifetime.Dispose();
    }

    private Task<AssistantTurn> Enqueue(string text, UserTurnSource source)
    {
        var pending = new PendingTurn(new UserTurn(text, source, _time.GetUtcNow()), _time.GetTimestamp());
        ActiveTurn? active;
        lock (_gate)
        {
            active = _active;
        }

        // A newer turn cuts the answer in progress short; the loop starts the new one once that one has ended.
        active?.Supersede(() => InterruptQuietlyAsync());
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Answer.TrySetCanceled();
        }

        return pending.Answer.Task;
    }

    private async Task RunAsync()
    {
        await foreach (var pending in _queue.Reader.ReadAllAsync(_lifetime.Token).ConfigureAwait(false))
        {
            var answer = await AnswerAsync(pending).ConfigureAwait(false);
            pending.Answer.TrySetResult(answer);
        }
    }

    private async Task<AssistantTurn> AnswerAsync(PendingTurn pending)
    {
        Log.UserTurn(_logger, pending.User.Source, pending.User.Text.Length);
        Publish(pending.User);
        List<ChatMessage> messages;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        var active = new ActiveTurn(cancel);
        lock (_gate)
        {
            _history.Add(new ChatMessage(ChatRole.User, pending.User.Text));
            messages = [.. _history];
            _active = active;
        }

        var updates = new List<ChatResponseUpdate>();
        long? firstToken = null;
        DateTimeOffset? firstSpeech = null;
        AnswerEnd end;
        try
        {
            var tokens = TokensAsync(messages, updates, () => firstToken ??= _time.GetTimestamp(), cancel.Token);
            var speech = await _voice.SpeakAsync(tokens, cancel.Token).ConfigureAwait(false);
            _ = speech.Started.ContinueWith(
                _ => active.IsSpeaking = true,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            end = await speech.Completed.ConfigureAwait(false);
            if (speech.Started.IsCompletedSuccessfully)
            {
                // The moment the avatar's start arrived (its event's timestamp), not when this line runs.
                firstSpeech = speech.Started.Result;
            }
        }
#pragma warning disable CA1031 // a failing model or avatar call is reported in the turn; the conversation goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            end = new AnswerEnd(SpeakOutcome.Completed, [], ex);
        }

        await active.WaitForSupersedeAsync().ConfigureAwait(false);
        var interrupted = end.Outcome != SpeakOutcome.Completed || active.IsCancelled;
        lock (_gate)
        {
            if (end.Error is null && !interrupted)
            {
                foreach (var message in updates.ToChatResponse().Messages.Where(static m => m.Contents.Count > 0))
                {
                    // Streamed tokens carry their spacing; the kept text reads as one clean message.
                    if (message.Contents is [TextContent only])
                    {
                        only.Text = only.Text.Trim();
                    }

                    _history.Add(message);
                }
            }
            else if (end.SpokenPieces.Count > 0)
            {
                _history.Add(new ChatMessage(ChatRole.Assistant, string.Join(' ', end.SpokenPieces)));
            }

            _active = null;
        }

        var tokenLatency = firstToken is { } t ? _time.GetElapsedTime(pending.EndedAt, t) : (TimeSpan?)null;
        var speechLatency = firstSpeech is { } s ? s - pending.User.At : (TimeSpan?)null;
        if (tokenLatency is { } tl)
        {
            _telemetry.FirstToken.Record(tl.TotalSeconds);
        }

        if (speechLatency is { } sl)
        {
            _telemetry.FirstSpeech.Record(sl.TotalSeconds);
        }

        if (end.Error is not null)
        {
            _telemetry.ModelErrors.Add(1);
            Log.AnswerFailed(_logger, end.Error, end.Error.GetType().Name);
        }

        Log.AnswerEnded(_logger, end.SpokenPieces.Count, interrupted);
        var turn = new AssistantTurn(end.SpokenPieces, interrupted, end.Error, tokenLatency, speechLatency, _time.GetUtcNow());
        Publish(turn);
        return turn;
    }

    private async IAsyncEnumerable<string> TokensAsync(
        List<ChatMessage> messages,
        List<ChatResponseUpdate> updates,
        Action onFirstToken,
        CancellationToken turnToken,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(turnToken, cancellationToken);
        await foreach (var update in _chat.GetStreamingResponseAsync(messages, _options.ChatOptions?.Clone(), linked.Token).ConfigureAwait(false))
        {
            updates.Add(update);
            var text = update.Text;
            if (!string.IsNullOrEmpty(text))
            {
                onFirstToken();
                yield return text;
            }
        }
    }

    /// <summary>Barge-in: stops the answer in progress and interrupts the avatar.</summary>
    private async Task CutShortAsync(CancellationToken cancellationToken)
    {
        ActiveTurn? active;
        lock (_gate)
        {
            active = _active;
        }

        // Through Supersede: the answer's turn ends only once this interrupt is through, so a late interrupt cannot cut
        // the next answer short. With no answer in progress (or one already cut short) the avatar is interrupted anyway.
        Task? interrupt = null;
        active?.Supersede(() => interrupt = _voice.InterruptAsync(cancellationToken));
        await (interrupt ?? _voice.InterruptAsync(cancellationToken)).ConfigureAwait(false);
    }

    private async Task BargeInOnOwnVoiceAsync()
    {
        ActiveTurn? active;
        lock (_gate)
        {
            active = _active;
        }

        if (active is { IsSpeaking: true, IsCancelled: false })
        {
            // Through Supersede, so that the next answer waits for this interrupt (a late one would cut it short).
            active.Supersede(InterruptQuietlyAsync);
            await active.WaitForSupersedeAsync().ConfigureAwait(false);
        }
    }

    private async Task InterruptQuietlyAsync()
    {
        try
        {
            await _voice.InterruptAsync(_lifetime.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the next answer goes on; the failure is logged
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.InterruptFailed(_logger, ex, ex.GetType().Name);
        }
    }

    // Only the conversation's one loop publishes (and DisposeAsync completes the stream after the loop ended), so calls
    // are never concurrent without a lock: an observer runs under no lock of ours, and may block or call back in.
    private void Publish(ConversationTurn turn) => _turns.OnNext(turn);

    private sealed record PendingTurn(UserTurn User, long EndedAt)
    {
        public TaskCompletionSource<AssistantTurn> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The answer in progress: its cancellation, and the interrupt a newer turn started.</summary>
    private sealed class ActiveTurn(CancellationTokenSource cancel)
    {
        private readonly Lock _gate = new();
        private Task _superseded = Task.CompletedTask;
        private bool _cancelled;

        public bool IsSpeaking { get; set; }

        public bool IsCancelled
        {
            get
            {
                lock (_gate)
                {
                    return _cancelled;
                }
            }
        }

        public void Cancel()
        {
            lock (_gate)
            {
                if (_cancelled)
                {
                    return;
                }

                _cancelled = true;
            }

            CancelAnswer();
        }

        public void Supersede(Func<Task> interrupt)
        {
            // Recorded before the answer is cancelled, so the answer's end always finds the interrupt to wait for.
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_cancelled)
                {
                    return;
                }

                _cancelled = true;
                _superseded = done.Task;
            }

            CancelAnswer();
            interrupt().ContinueWith(_ => done.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        public Task WaitForSupersedeAsync()
        {
            lock (_gate)
            {
                return _superseded;
            }
        }

        private void CancelAnswer()
        {
            try
            {
                cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The turn has ended.
            }
        }
    }

    private sealed class CompositeSubscription(List<IDisposable> subscriptions) : IDisposable
    {
        public void Dispose()
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
    }
}
