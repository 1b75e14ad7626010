using System.Globalization;

namespace KonPro.Benchmarks.Quick;

/// <summary>
/// One result line of the quick mode: <c>name: value unit (baseline value unit, ratio R)</c>; an informational line (a
/// fact beside a measurement, not a comparison) prints <c>name: value unit (second value unit)</c> without a ratio.
/// </summary>
internal sealed record QuickLine(string Name, double Value, string Unit, double Baseline, string BaselineUnit, bool Informational = false)
{
    /// <summary>Value divided by baseline (for times, above 1 is slower; for rates, below 1 is slower).</summary>
    public double Ratio => Baseline == 0 ? (Value == 0 ? 1 : double.PositiveInfinity) : Value / Baseline;

    public override string ToString() => Informational
        ? string.Create(CultureInfo.InvariantCulture, $"{Name}: {FormatCount(Value)} {Unit} ({Format(Baseline)} {BaselineUnit})")
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{Name}: {Format(Value)} {Unit} (baseline {Format(Baseline)} {BaselineUnit}, ratio {FormatRatio()})");

    /// <summary>
    /// How much the JIT compiled while a loop was measured (<see cref="System.Runtime.JitInfo"/>, process-wide): on a
    /// 2-core machine a tiering JIT that is still at work takes CPU from the calls and leaves the SDK's own code (not
    /// precompiled, unlike the framework's) in its early tiers, so a ratio read while it works measures the warm-up.
    /// </summary>
    public static QuickLine JitWhileMeasured(string name, long methods, TimeSpan time) =>
        new($"{name}-jit-while-measured", methods, "methods compiled", time.TotalMilliseconds, "ms in the JIT", Informational: true);

    // A baseline that allocates nothing has no meaningful ratio.
    private string FormatRatio() =>
        Math.Abs(Baseline) < 0.05 ? "n/a" : Ratio.ToString("0.00", CultureInfo.InvariantCulture);

    // A count (methods, rounds) prints as a whole number.
    private static string FormatCount(double value) => value == Math.Floor(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : Format(value);

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture),
    };
}
