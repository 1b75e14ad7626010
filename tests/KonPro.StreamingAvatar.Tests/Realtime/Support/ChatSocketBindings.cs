using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>
/// The fake server's log, read for one fact: which chat sockets it has bound to which session. The fake accepts
/// the upgrade (so the client sees the socket open) a moment before it binds the socket to its session, and only
/// bound sockets get the session's events and faults, so a test waits for the binding before it injects anything.
/// </summary>
internal sealed class ChatSocketBindings : ILoggerFactory, ILogger
{
    /// <summary>The fake's event id for "Chat socket {ConnectionId} bound to session {SessionId}".</summary>
    private const int BoundEventId = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _bindings = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>How many sockets the fake has bound to the session so far (including ones since gone).</summary>
    public int Count(string sessionId)
    {
        lock (_gate)
        {
            return _bindings.GetValueOrDefault(sessionId);
        }
    }

    /// <summary>Waits until the fake has bound <paramref name="count"/> sockets to the session, or throws <see cref="TimeoutException"/>.</summary>
    public async Task WaitAsync(string sessionId, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_bindings.GetValueOrDefault(sessionId) >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The fake bound {Count(sessionId)} of {count} chat sockets to session {sessionId} within {timeout}.");
            }

            await changed.WaitAsync(left);
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id != BoundEventId || state is not IEnumerable<KeyValuePair<string, object?>> values)
        {
            return;
        }

        var sessionId = values.FirstOrDefault(v => v.Key == "SessionId").Value as string;
        if (sessionId is null)
        {
            return;
        }

        lock (_gate)
        {
            _bindings[sessionId] = _bindings.GetValueOrDefault(sessionId) + 1;
            _changed.TrySetResult();
            _changed = NewSignal();
        }
    }

    public void Dispose()
    {
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
