namespace KonPro.Streaming.Tests.Realtime.Support;

/// <summary>Bounds on waits for real asynchronous work (they only bound a wait; nothing asserts a speed).</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
}
