namespace KonPro.StreamingAvatar;

/// <summary>
/// When the chat socket reconnects: only after a drop it may recover from (close status 1001, 1011, 1012 or a lost
/// connection) and only while the session lives; never after <c>stop</c>, an idle timeout, the duration limit, an
/// unauthorized token or an unknown session.
/// </summary>
public sealed class ReconnectPolicy
{
    /// <summary>The most attempts per drop (5 by default).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first attempt (0.5 s by default); doubles after each failed attempt.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts (10 s by default).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
    }
}
