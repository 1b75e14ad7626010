using System.Diagnostics;

namespace KonPro.Benchmarks.Quick;

/// <summary>Small measurement loops for the quick mode (BenchmarkDotNet backs the full report).</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="operation"/> (which performs <paramref name="batch"/> items) for about
    /// <paramref name="duration"/> on this thread, after a warm-up.</summary>
    /// <returns>Items per second and managed bytes allocated per item.</returns>
    public static (double PerSecond, double BytesPerItem) Throughput(Action operation, int batch, TimeSpan duration)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(1))
        {
            operation();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long items = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            operation();
            items += batch;
        }

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return (items / clock.Elapsed.TotalSeconds, (double)allocated / items);
    }

    /// <summary>The value at <paramref name="percentile"/> (0-100) of <paramref name="samples"/>.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double percentile)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
