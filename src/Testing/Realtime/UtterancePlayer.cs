using System.Globalization;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Room;
using KonPro.Streaming.Testing.Sessions;
using KonPro.Streaming.Testing.Time;

namespace KonPro.Streaming.Testing.Realtime;

/// <summary>
/// The realtime audio socket's playback: the utterances a client sends (PCM16 mono at
/// <see cref="RealtimeProtocol.AudioSampleRate"/>), queued in order and each "played" for as long as its audio lasts in
/// the server's model time, once the session is connected. The utterance that plays has its audio on the room's avatar
/// track, when the session has a room. It reports what happened (started, ended) to its caller, which tells the client.
/// </summary>
internal sealed class UtterancePlayer(ScaledClock clock, FakeSession session)
{
    /// <summary>The sample rate of the utterances' audio.</summary>
    public const int SampleRate = RealtimeProtocol.AudioSampleRate;

    private readonly Lock _gate = new();
    private readonly List<Utterance> _queue = [];
    private readonly HashSet<string> _cut = new(StringComparer.Ordinal);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Utterance? _current;
    private long _currentStart;
    private bool _connected;
    private string? _openId;
    private int _unnamed;

    /// <summary>Whether an utterance plays or waits.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_gate)
            {
                return _current is not null || _queue.Count > 0;
            }
        }
    }

    /// <summary>The agent's state: speaking while an utterance plays, else listening or idle as the session is.</summary>
    public string AgentState
    {
        get
        {
            lock (_gate)
            {
                return _current is not null ? RealtimeStates.Speaking : session.IsListening ? RealtimeStates.Listening : RealtimeStates.Idle;
            }
        }
    }

    /// <summary>The session is connected: playback may begin.</summary>
    public void Connect()
    {
        lock (_gate)
        {
            _connected = true;
        }

        Wake();
    }

    /// <summary>
    /// Adds audio to the utterance <paramref name="eventId"/> (or, without an id, to the open unnamed one); the audio of
    /// an utterance an interrupt cut is dropped.
    /// </summary>
    public void Append(string? eventId, byte[] audio)
    {
        lock (_gate)
        {
            var id = eventId ?? (_openId ??= string.Create(CultureInfo.InvariantCulture, $"buffer-{++_unnamed}"));
            if (_cut.Contains(id))
            {
                return; // the rest of an interrupted utterance
            }

            var utterance = _queue.Find(u => u.Id == id);
            if (utterance is null)
            {
                utterance = new Utterance(id);
                _queue.Add(utterance);
            }

            utterance.Bytes += audio.Length;
            if (utterance == _current)
            {
                session.Find<SessionRoom>()?.SpeakAudio(audio, SampleRate);
            }
            else
            {
                utterance.Pending.Add(audio);
            }
        }

        Wake();
    }

    /// <summary>Ends an utterance (no more audio comes); false when no audio was sent for it.</summary>
    public bool End(string? eventId)
    {
        bool known;
        lock (_gate)
        {
            var id = eventId ?? _openId;
            if (id is not null && id == _openId)
            {
                _openId = null;
            }

            var utterance = id is null ? null : _queue.Find(u => u.Id == id);
            known = utterance is not null || (id is not null && _cut.Contains(id));
            utterance?.End();
        }

        if (known)
        {
            Wake();
        }

        return known;
    }

    /// <summary>
    /// Cuts the utterance that plays and drops the queued ones (their later audio too), and clears the room's avatar
    /// audio. Returns what was cut: the playing utterance with how much of it was heard, then the dropped ones.
    /// </summary>
    public IReadOnlyList<(string Id, TimeSpan Spoken)> Interrupt()
    {
        var cut = new List<(string, TimeSpan)>();
        lock (_gate)
        {
            if (_current is { } current)
            {
                var elapsed = clock.ModelElapsedSince(_currentStart);
                cut.Add((current.Id, elapsed < current.Duration ? elapsed : current.Duration));
            }

            foreach (var utterance in _queue)
            {
                _cut.Add(utterance.Id);
                if (utterance != _current)
                {
                    cut.Add((utterance.Id, TimeSpan.Zero));
                }
            }

            _queue.Clear();
            _current = null;
            _openId = null;
            session.Find<SessionRoom>()?.ClearAudio();
        }

        Wake();
        return cut;
    }

    /// <summary>
    /// Plays the queue until cancelled: tells <paramref name="started"/> when an utterance begins and
    /// <paramref name="ended"/> when it was ended and its audio's length has passed (an interrupted one is not reported here).
    /// </summary>
    public async Task PlayAsync(Func<string, Task> started, Func<string, TimeSpan, Task> ended, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Utterance? head;
            Task wake;
            lock (_gate)
            {
                head = _connected && _queue.Count > 0 && _queue[0].Bytes > 0 ? _queue[0] : null;
                wake = _wake.Task;
                if (head is not null)
                {
                    _current = head;
                    _currentStart = clock.Timestamp();

                    // The room's avatar audio track plays the utterance's audio from now on.
                    foreach (var chunk in head.Pending)
                    {
                        session.Find<SessionRoom>()?.SpeakAudio(chunk, SampleRate);
                    }

                    head.Pending.Clear();
                }
            }

            if (head is null)
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await started(head.Id).ConfigureAwait(false);
            await PlayOutAsync(head, ended, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PlayOutAsync(Utterance head, Func<string, TimeSpan, Task> ended, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan remaining;
            bool done;
            Task wake;
            lock (_gate)
            {
                if (_current != head)
                {
                    return; // interrupted; the interrupt told the client
                }

                remaining = head.Duration - clock.ModelElapsedSince(_currentStart);
                done = head.Ended && remaining <= TimeSpan.Zero;
                if (done)
                {
                    _queue.Remove(head);
                    _current = null;
                }

                wake = _wake.Task;
            }

            if (done)
            {
                await ended(head.Id, head.Duration).ConfigureAwait(false);
                return;
            }

            if (remaining > TimeSpan.Zero)
            {
                await Task.WhenAny(wake, clock.DelayAsync(remaining, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            else
            {
                await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Wake()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    private sealed class Utterance(string id)
    {
        public string Id { get; } = id;

        public long Bytes { get; set; }

        public bool Ended { get; private set; }

        /// <summary>Audio not yet handed to the room (the utterance has not started playing).</summary>
        public List<byte[]> Pending { get; } = [];

        public TimeSpan Duration => TimeSpan.FromTicks(Bytes / 2 * TimeSpan.TicksPerSecond / SampleRate);

        public void End() => Ended = true;
    }
}
