using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KonPro.Streaming.Tests.Http;

/// <summary>
/// What a retry test observes of one client: a virtual clock, the retry log lines (event id 1003) and the retry
/// counter of the client's own meter (a meter factory of this probe, so parallel tests do not mix).
/// </summary>
internal sealed class RetryProbe : ILoggerFactory, ILoggerProvider, IMeterFactory
{
    private readonly ConcurrentQueue<string> _retryLogs = new();
    private readonly ConcurrentQueue<string> _allLogs = new();
    private readonly MeterListener _listener = new();
    private readonly List<int> _timersAtRetry = [];
    private long _counted;

    public RetryProbe()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, this) && instrument.Name == "konpro.streaming_avatar.call.retries")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _counted, value));
        _listener.Start();
    }

    public ObservedClock Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IReadOnlyList<string> RetryLogs => [.. _retryLogs];

    public IReadOnlyList<string> AllLogs => [.. _allLogs];

    public long RetriesCounted => Interlocked.Read(ref _counted);

    public StreamingAvatarOptions AvatarOptions(KonProRetryOptions? retry = null) => new()
    {
        TimeProvider = Time,
        LoggerFactory = this,
        MeterFactory = this,
        Retry = retry ?? new KonProRetryOptions(),
    };

    /// <summary>
    /// Waits (in real time, bounded) until the client has logged <paramref name="count"/> retries and set the back-off
    /// timer of the last one (the first timer created on the clock after that log line), and returns that timer.
    /// </summary>
    public async Task<ObservedClock.TimerRecord> WaitForRetriesAsync(int count)
    {
        ObservedClock.TimerRecord? backOff = null;
        await Support.Wait.UntilAsync(() =>
        {
            if (_retryLogs.Count < count)
            {
                return false;
            }

            lock (_timersAtRetry)
            {
                backOff = Time.TimerAfter(_timersAtRetry[count - 1]);
            }

            return backOff is not null;
        });
        return backOff!;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public Meter Create(MeterOptions options) => new(options.Name, options.Version, options.Tags, scope: this);

    public void Dispose() => _listener.Dispose();

    private sealed class Logger(RetryProbe probe) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            probe._allLogs.Enqueue(text);
            if (eventId.Id == 1003)
            {
                lock (probe._timersAtRetry)
                {
                    probe._timersAtRetry.Add(probe.Time.TimersCreated);
                }

                probe._retryLogs.Enqueue(text);
            }
        }
    }

    /// <summary>A virtual clock that records the timers created on it and whether each has fired.</summary>
    internal sealed class ObservedClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly List<TimerRecord> _timers = [];

        /// <summary>How many timers were created so far.</summary>
        public int TimersCreated
        {
            get
            {
                lock (_timers)
                {
                    return _timers.Count;
                }
            }
        }

        /// <summary>The first timer created after the first <paramref name="created"/> ones, or null.</summary>
        public TimerRecord? TimerAfter(int created)
        {
            lock (_timers)
            {
                return _timers.Count > created ? _timers[created] : null;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var record = new TimerRecord(dueTime);
            lock (_timers)
            {
                _timers.Add(record);
            }

            return base.CreateTimer(
                s =>
                {
                    record.Fire();
                    callback(s);
                },
                state,
                dueTime,
                period);
        }

        /// <summary>One timer: its first due time and whether it has fired (Advance fires timers synchronously).</summary>
        internal sealed class TimerRecord(TimeSpan dueTime)
        {
            private int _fired;

            public TimeSpan DueTime { get; } = dueTime;

            public bool HasFired => Volatile.Read(ref _fired) != 0;

            public void Fire() => Volatile.Write(ref _fired, 1);
        }
    }
}
