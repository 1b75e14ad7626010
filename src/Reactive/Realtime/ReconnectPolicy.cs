namespace KonPro.Streaming;

/// <summary>
/// How the chat socket and the realtime audio socket reconnect after they lost their connection (a network loss, or
/// a server going away, failing or restarting: close statuses 1001, 1011, 1012 and others the protocol does not
/// reserve). They never reconnect after a close that ends the session (stopped, idle timeout, duration limit,
/// unauthorized, unknown session; for the realtime socket every status from 4000 to 4999), after an upgrade refused
/// as unauthorized or for an unknown session, nor once the session is over.
/// </summary>
/// <remarks>
/// The delay before attempt <c>n</c> (from 1) is <c>min(MaxDelay, InitialDelay × BackoffMultiplier^(n-1))</c>,
/// spread by ±<see cref="JitterRatio"/> so that many clients do not come back at the same instant, and never more
/// than <see cref="MaxDelay"/>. Delays run on the client's scheduler, so tests can drive them in virtual time.
/// </remarks>
public sealed record ReconnectPolicy
{
    /// <summary>The default policy: 5 attempts, 0.5 s doubling up to 10 s, ±20 % jitter.</summary>
    public static ReconnectPolicy Default { get; } = new();

    /// <summary>How many times to try before giving up (1 to 100; default 5).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The delay before the first attempt (0 to <see cref="MaxDelay"/>; default 0.5 s).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between attempts (more than zero, at most 10 minutes; default 10 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The factor by which the delay grows per attempt (1 to 10; default 2).</summary>
    public double BackoffMultiplier { get; init; } = 2.0;

    /// <summary>The share of each delay that is randomized, both ways (0 to 1; default 0.2, i.e. ±20 %).</summary>
    public double JitterRatio { get; init; } = 0.2;

    /// <summary>
    /// A seed for the jitter, for reproducible schedules in tests; <see langword="null"/> (the default) draws
    /// the jitter from <see cref="Random.Shared"/>.
    /// </summary>
    public int? JitterSeed { get; init; }

    /// <summary>Checks every setting and throws an <see cref="ArgumentException"/> naming the first one out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its documented range.</exception>
    public void Validate()
    {
        if (MaxAttempts is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be between 1 and 100.");
        }

        if (MaxDelay <= TimeSpan.Zero || MaxDelay > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "MaxDelay must be more than zero and at most 10 minutes.");
        }

        if (InitialDelay < TimeSpan.Zero || InitialDelay > MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "InitialDelay must be between zero and MaxDelay.");
        }

        if (double.IsNaN(BackoffMultiplier) || BackoffMultiplier is < 1 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffMultiplier), BackoffMultiplier, "BackoffMultiplier must be between 1 and 10.");
        }

        if (double.IsNaN(JitterRatio) || JitterRatio is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(JitterRatio), JitterRatio, "JitterRatio must be between 0 and 1.");
        }
    }

    /// <summary>Creates the random source of one reconnecting connection.</summary>
    internal Random CreateJitterSource() => JitterSeed is { } seed ? new Random(seed) : Random.Shared;

    /// <summary>The delay before reconnect attempt <paramref name="attempt"/> (from 1).</summary>
    /// <param name="attempt">The attempt, from 1.</param>
    /// <param name="jitter">The random source (see <see cref="CreateJitterSource"/>).</param>
    internal TimeSpan GetDelay(int attempt, Random jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentNullException.ThrowIfNull(jitter);
        var baseTicks = InitialDelay.Ticks * Math.Pow(BackoffMultiplier, attempt - 1);
        baseTicks = Math.Min(baseTicks, MaxDelay.Ticks);
        var spread = 1 + (JitterRatio * ((2 * jitter.NextDouble()) - 1));
        var ticks = Math.Clamp(baseTicks * spread, 0, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
