namespace KonPro.Streaming.Testing.Time;

/// <summary>Turns the server's model time into real time with the time scale, on an injected clock.</summary>
internal sealed class ScaledClock(TimeProvider time, double scale)
{
    public TimeProvider Time { get; } = time;

    public double Scale { get; } = scale;

    public TimeSpan ToReal(TimeSpan model) =>
        model <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(1, (long)(model.Ticks * Scale)));

    public Task DelayAsync(TimeSpan model, CancellationToken cancellationToken)
    {
        var real = ToReal(model);
        return real == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(real, Time, cancellationToken);
    }

    public long Timestamp() => Time.GetTimestamp();

    /// <summary>The model time elapsed since a timestamp of <see cref="Timestamp"/>.</summary>
    public TimeSpan ModelElapsedSince(long timestamp) =>
        TimeSpan.FromTicks((long)(Time.GetElapsedTime(timestamp).Ticks / Scale));

    public DateTimeOffset UtcNow => Time.GetUtcNow();

    public ITimer CreateTimer(Action callback, TimeSpan modelDue) =>
        Time.CreateTimer(_ => callback(), null, ToReal(modelDue), Timeout.InfiniteTimeSpan);

    public ITimer CreatePeriodicTimer(Action callback, TimeSpan modelPeriod) =>
        Time.CreateTimer(_ => callback(), null, ToReal(modelPeriod), ToReal(modelPeriod));
}
