using KonPro.Streaming.Session;

namespace KonPro.Streaming.Tests.Client;

public sealed class KeepAliveScheduleTests
{
    [Theory]
    [InlineData(null, null, 60)]
    [InlineData(30, null, 15)]
    [InlineData(3600, null, 1800)]
    [InlineData(120, 10.0, 10)]
    [InlineData(120, 90.0, 60)]
    public void Interval_stays_safely_below_the_idle_timeout(int? idleSeconds, double? requestedSeconds, double expectedSeconds) =>
        KeepAliveTimer.Interval(idleSeconds, requestedSeconds is { } s ? TimeSpan.FromSeconds(s) : null)
            .Should().Be(TimeSpan.FromSeconds(expectedSeconds));
}
