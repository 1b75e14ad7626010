using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace KonPro.Streaming.Tests.Operators;

/// <summary>Virtual-time scripts of events on System.Reactive's HistoricalScheduler.</summary>
internal sealed class Timeline
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public HistoricalScheduler Scheduler { get; } = new(Epoch);

    public static DateTimeOffset At(int ms) => Epoch + TimeSpan.FromMilliseconds(ms);

    /// <summary>A cold source that delivers each event at its time (stamping ReceivedAt) and completes at <paramref name="completeAtMs"/>.</summary>
    public IObservable<StreamingEvent> Source(int? completeAtMs, params (int Ms, StreamingEvent Event)[] script) =>
        Observable.Create<StreamingEvent>(observer =>
        {
            var d = new CompositeDisposable();
            foreach (var (ms, evt) in script)
            {
                d.Add(Scheduler.Schedule(At(ms), () => observer.OnNext(evt with { ReceivedAt = At(ms) })));
            }

            if (completeAtMs is { } end)
            {
                d.Add(Scheduler.Schedule(At(end), observer.OnCompleted));
            }

            return d;
        });

    /// <summary>Subscribes, runs the virtual clock to the end, and returns what was observed with its virtual time.</summary>
    public Recorded<T> Run<T>(IObservable<T> observable)
    {
        var recorded = new Recorded<T>();
        using var _ = observable.Subscribe(
            v => recorded.Values.Add(((int)(Scheduler.Now - Epoch).TotalMilliseconds, v)),
            e => recorded.Error = e,
            () => recorded.CompletedAtMs = (int)(Scheduler.Now - Epoch).TotalMilliseconds);
        Scheduler.Start();
        return recorded;
    }
}

internal sealed class Recorded<T>
{
    public List<(int Ms, T Value)> Values { get; } = [];

    public Exception? Error { get; set; }

    public int? CompletedAtMs { get; set; }

    public IEnumerable<T> Items => Values.Select(v => v.Value);
}

/// <summary>Shorthands for events.</summary>
internal static class Ev
{
    public static AvatarStartTalking Start(string? task) => new() { TaskId = task };

    public static AvatarTalkingMessage Say(string? task, string message) => new() { TaskId = task, Message = message };

    public static AvatarEndMessage End(string? task) => new() { TaskId = task };

    public static AvatarStopTalking Stop(string? task, long ms) => new() { TaskId = task, DurationMs = ms };

    public static UserStart UserStart() => new();

    public static UserStop UserStop() => new();

    public static UserTalkingMessage User(string? task, string message) => new() { TaskId = task, Message = message };

    public static UserEndMessage UserEnd(string? task) => new() { TaskId = task };

    public static StreamDisconnected Disconnected() => new() { Reason = DisconnectReason.NetworkLost };

    public static StreamReconnected Reconnected(int gapStartMs, int gapEndMs) =>
        new() { GapStart = Timeline.At(gapStartMs), GapEnd = Timeline.At(gapEndMs), Reason = DisconnectReason.NetworkLost, Attempts = 1 };
}
