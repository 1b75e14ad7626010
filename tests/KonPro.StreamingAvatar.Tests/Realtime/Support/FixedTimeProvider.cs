namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>A clock that says what the test tells it (timers run on the system clock).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
