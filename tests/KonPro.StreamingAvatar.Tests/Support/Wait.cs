namespace KonPro.Streaming.Tests.Support;

internal static class Wait
{
    /// <summary>Polls a condition until it holds, bounded by <see cref="FakeServerScope.Patience"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + FakeServerScope.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(10);
        }
    }
}
