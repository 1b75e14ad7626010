using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace KonPro.Streaming.Session;

/// <summary>Calls <c>keep_alive</c> on the injected scheduler, safely below the session's idle timeout, while the session lives.</summary>
internal sealed class KeepAliveTimer
{
    /// <summary>The server's default idle timeout, in seconds.</summary>
    public const int DefaultIdleTimeoutSeconds = 120;

    private readonly Lock _gate = new();
    private readonly IScheduler _scheduler;
    private readonly Func<Task> _keepAlive;
    private IDisposable? _timer;
    private bool _stopped;

    public KeepAliveTimer(IScheduler scheduler, Func<Task> keepAlive)
    {
        _scheduler = scheduler;
        _keepAlive = keepAlive;
    }

    /// <summary>The interval: the requested one when it is below half the idle timeout, else half the idle timeout.</summary>
    public static TimeSpan Interval(int? activityIdleTimeoutSeconds, TimeSpan? requested)
    {
        var idle = TimeSpan.FromSeconds(activityIdleTimeoutSeconds ?? DefaultIdleTimeoutSeconds);
        var safe = idle / 2;
        return requested is { } wanted && wanted > TimeSpan.Zero && wanted < safe ? wanted : safe;
    }

    /// <summary>Starts ticking (does nothing once stopped).</summary>
    public void Start(TimeSpan interval)
    {
        var timer = Observable.Interval(interval, _scheduler).Subscribe(tick => { _ = _keepAlive(); });
        lock (_gate)
        {
            if (!_stopped)
            {
                _timer?.Dispose();
                _timer = timer;
                return;
            }
        }

        timer.Dispose();
    }

    /// <summary>Stops for good.</summary>
    public void Stop()
    {
        IDisposable? timer;
        lock (_gate)
        {
            _stopped = true;
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
    }
}
