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

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

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

    /// <summary>Waits (in real time, bounded) until the client has logged <paramref name="count"/> retries, so its back-off timer is set.</summary>
    public async Task WaitForRetriesAsync(int count)
    {
        await Support.Wait.UntilAsync(() => _retryLogs.Count >= count);
        // The back-off timer is created right after the retry is logged, on the same thread.
        await Task.Delay(50);
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
                probe._retryLogs.Enqueue(text);
            }
        }
    }
}
