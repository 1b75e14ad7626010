using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using KonPro.Streaming;
using KonPro.Streaming.Conversation;
using KonPro.Streaming.Events;

namespace KonPro.AvatarWeb.Sessions;

/// <summary>
/// One browser's session on the server: owns the avatar (joined to the room as the agent participant), its
/// conversation and every subscription, and turns the SDK's observables into the page's events. Ending it (Stop, the
/// page gone, idle, shutdown, or the service ending the session) releases all of them and stops the KonPro session.
/// </summary>
public sealed class AvatarWebSession : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private readonly StreamingAvatar _avatar;
    private readonly AvatarConversation _conversation;
    private readonly ILogger _logger;
    private readonly Action<AvatarWebSession>? _onEnded;
    private readonly Lock _gate = new();
    private readonly ReplaySubject<PageEvent> _page = new(bufferSize: 500);
    private readonly Subject<Unit> _typed = new();
    private readonly BehaviorSubject<int> _openPages = new(0);
    private readonly CompositeDisposable _subscriptions = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seq;
    private int _ending;
    private string? _endReason;

    /// <summary>Wires the session's pipelines; the avatar is started and its conversation created.</summary>
    /// <param name="id">The app's id of the session (what the page addresses it by; unguessable).</param>
    /// <param name="avatar">The started avatar; owned from now on.</param>
    /// <param name="conversation">Its conversation; owned from now on.</param>
    /// <param name="session">What <c>new</c> answered.</param>
    /// <param name="options">Idle timeout and how long a page may be gone.</param>
    /// <param name="scheduler">Runs the idle and page-gone timers (a test scheduler in tests).</param>
    /// <param name="logger">Where the session logs.</param>
    /// <param name="onEnded">Called once the session has ended and released everything, before <see cref="Ended"/> completes.</param>
    public AvatarWebSession(string id, StreamingAvatar avatar, AvatarConversation conversation, StartAvatarResponse session, AvatarWebOptions options, IScheduler scheduler, ILogger logger, Action<AvatarWebSession>? onEnded = null)
    {
        ArgumentNullException.ThrowIfNull(avatar);
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        Id = id;
        _avatar = avatar;
        _conversation = conversation;
        _logger = logger;
        _onEnded = onEnded;
        SessionId = session.SessionId;
        UserRoom = session.UserRoomCredentials;

        // What the page shows, from the SDK's observables: the conversation's turns (with latencies), the avatar's
        // state and words, the user's voice activity and the connection quality, merged into one ordered stream.
        var events = avatar.Events;
        var turns = conversation.Turns.Select(PageEvent.FromTurn);
        var talking = events
            .Where(e => e is AvatarStartTalking or AvatarStopTalking)
            .Select(e => e is AvatarStartTalking ? "talking" : "idle")
            .DistinctUntilChanged()
            .Select(state => new PageEvent(0, "state") { State = state });
        var captions = events.OfType<AvatarTalkingMessage>().Select(m => new PageEvent(0, "caption") { Text = m.Message });
        var voice = events
            .Where(e => e is UserStart or UserStop)
            .Select(e => new PageEvent(0, "voice") { State = e is UserStart ? "speaking" : "silent" });
        var quality = events.OfType<ConnectionQualityChanged>().Select(q => new PageEvent(0, "quality") { State = q.Quality.ToString() });
        _subscriptions.Add(Observable.Merge(turns, talking, captions, voice, quality).Subscribe(Emit));

        // Idle: any sign of life (typed text, the user's voice, the avatar talking) restarts the clock.
        var activity = Observable.Merge(
            _typed,
            events.Where(e => e is UserStart or UserTalkingMessage or AvatarStartTalking or AvatarStopTalking).Select(_ => Unit.Default));
        _subscriptions.Add(activity.StartWith(Unit.Default)
            .Select(_ => Observable.Timer(options.IdleTimeout, scheduler))
            .Switch()
            .Take(1)
            .Subscribe(_ => EndInBackground("idle_timeout")));

        // The page is gone when no event stream of it has been open for a while (closed tab, navigated away, crashed).
        _subscriptions.Add(_openPages
            .Select(open => open == 0 ? Observable.Timer(options.PageGone, scheduler) : Observable.Never<long>())
            .Switch()
            .Take(1)
            .Subscribe(_ => EndInBackground("page_closed")));

        // The service ended the session (its own idle timeout, the room closed).
        _subscriptions.Add(events.OfType<StreamDisconnected>().Take(1).Subscribe(_ => EndInBackground("service_ended")));
    }

    /// <summary>The app's id of the session.</summary>
    public string Id { get; }

    /// <summary>The KonPro session id (server side only).</summary>
    public string SessionId { get; }

    /// <summary>What the browser gets to join the room: the URL and the user participant's token, nothing else.</summary>
    public RoomCredentials UserRoom { get; }

    /// <summary>Why the session ended, once it has.</summary>
    public string? EndReason => Volatile.Read(ref _endReason);

    /// <summary>Completes when the session has ended and released everything.</summary>
    public Task Ended => _ended.Task;

    /// <summary>The conversation's history (for the page's tests and diagnostics).</summary>
    public IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> History => _conversation.History;

    /// <summary>
    /// The page's events after <paramref name="afterSeq"/>: replayed from the start of the session (so a page that
    /// connects late, or reconnects with <c>Last-Event-ID</c>, misses nothing), then live; completes after <c>ended</c>.
    /// </summary>
    public IObservable<PageEvent> Events(long afterSeq = 0) => _page.Where(e => e.Seq > afterSeq);

    /// <summary>A page's event stream opened; dispose the result when it closes.</summary>
    public IDisposable PageConnected()
    {
        lock (_gate)
        {
            if (_openPages.IsDisposed)
            {
                return Disposable.Empty;
            }

            _openPages.OnNext(_openPages.Value + 1);
        }

        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                if (!_openPages.IsDisposed)
                {
                    _openPages.OnNext(_openPages.Value - 1);
                }
            }
        });
    }

    /// <summary>Typed text from the page: a user turn of the conversation, answered by the model and spoken by the avatar.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The answer (when it has been spoken or cut short).</returns>
    public Task<AssistantTurn> SendAsync(string text)
    {
        _typed.OnNext(Unit.Default);
        return _conversation.SendAsync(text);
    }

    /// <summary>Ends the session (idempotent): tells the page why, releases the subscriptions and the conversation, stops the avatar.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>A task that completes when everything is released.</returns>
    public async Task EndAsync(string reason)
    {
        if (Interlocked.Exchange(ref _ending, 1) != 0)
        {
            await _ended.Task.ConfigureAwait(false);
            return;
        }

        Volatile.Write(ref _endReason, reason);
        try
        {
            _subscriptions.Dispose();
            await _conversation.DisposeAsync().ConfigureAwait(false);
            using (var timeout = new CancellationTokenSource(StopTimeout))
            {
                try
                {
                    await _avatar.StopAvatarAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is KonProApiException or OperationCanceledException or HttpRequestException or InvalidOperationException)
                {
                    Log.StopFailed(_logger, Id, exception.GetType().Name);
                }
            }

            await _avatar.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Emit(new PageEvent(0, "ended") { Reason = reason });
            lock (_gate)
            {
                _page.OnCompleted();
                _openPages.OnCompleted();
                _openPages.Dispose();
            }

            _typed.Dispose();
            Log.SessionEnded(_logger, Id, reason);
            _onEnded?.Invoke(this);
            _ended.TrySetResult();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await EndAsync("disposed").ConfigureAwait(false);

    /// <summary>Ends the session from a timer or an event (nothing awaits it; <see cref="Ended"/> tells when it is done).</summary>
    private void EndInBackground(string reason) => _ = EndAsync(reason);

    /// <summary>Numbers an event and hands it to the page's replay (one at a time, in order).</summary>
    private void Emit(PageEvent pageEvent)
    {
        lock (_gate)
        {
            _page.OnNext(pageEvent with { Seq = ++_seq });
        }
    }
}
