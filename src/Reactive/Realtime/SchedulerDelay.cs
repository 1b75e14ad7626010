using System.Reactive.Concurrency;

namespace KonPro.Streaming.Realtime;

/// <summary>Awaitable delays on an <see cref="IScheduler"/>, so that virtual-time schedulers drive them in tests.</summary>
internal static class SchedulerDelay
{
    /// <summary>Completes after <paramref name="delay"/> of the scheduler's time, or cancels.</summary>
    /// <param name="scheduler">The scheduler whose clock counts.</param>
    /// <param name="delay">How long to wait (zero or negative completes at once).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    internal static Task DelayAsync(IScheduler scheduler, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var timer = scheduler.Schedule(delay, () => done.TrySetResult());
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                timer.Dispose();
                done.TrySetCanceled(cancellationToken);
            });
            _ = done.Task.ContinueWith(
                static (_, state) => ((CancellationTokenRegistration)state!).Dispose(),
                registration,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return done.Task;
    }
}
