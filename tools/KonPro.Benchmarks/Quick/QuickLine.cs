using System.Globalization;

namespace KonPro.Benchmarks.Quick;

/// <summary>One result line of the quick mode: <c>name: value unit (baseline value unit, ratio R)</c>.</summary>
internal sealed record QuickLine(string Name, double Value, string Unit, double Baseline, string BaselineUnit)
{
    /// <summary>Value divided by baseline (for times, above 1 is slower; for rates, below 1 is slower).</summary>
    public double Ratio => Baseline == 0 ? (Value == 0 ? 1 : double.PositiveInfinity) : Value / Baseline;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {Format(Value)} {Unit} (baseline {Format(Baseline)} {BaselineUnit}, ratio {FormatRatio()})");

    // A baseline that allocates nothing has no meaningful ratio.
    private string FormatRatio() =>
        Math.Abs(Baseline) < 0.05 ? "n/a" : Ratio.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture),
    };
}
