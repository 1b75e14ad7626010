using System.Globalization;
using System.Text;

namespace KonPro.Benchmarks.Room;

/// <summary>One figure of the comparison: its samples on each side (milliseconds) and the bar it is held to.</summary>
/// <param name="Figure">What was timed, e.g. "speak -> avatar_start_talking".</param>
/// <param name="DotNet">The .NET SDK's samples.</param>
/// <param name="Official">The official SDK's samples.</param>
/// <param name="Bar">The highest ratio (.NET / official) at the median and at p90 that meets the bar; null: no bar.</param>
internal sealed record VersusFigure(string Figure, IReadOnlyList<double> DotNet, IReadOnlyList<double> Official, double? Bar);

/// <summary>
/// The --versus-official table: per figure, each side's median and p90 (nearest rank), the ratio .NET / official of
/// each, and whether both ratios are within the figure's bar. Pure, so that its arithmetic is unit-tested.
/// </summary>
internal static class VersusTable
{
    /// <summary>The nearest-rank percentile (the smallest sample with at least <paramref name="percentile"/> % of the samples at or below it).</summary>
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

    /// <summary>The ratios (.NET / official) at the median and at p90.</summary>
    public static (double Median, double P90) Ratios(VersusFigure figure) =>
        (Percentile(figure.DotNet, 50) / Percentile(figure.Official, 50), Percentile(figure.DotNet, 90) / Percentile(figure.Official, 90));

    /// <summary>True when both ratios are at most the figure's bar (and the figure has one).</summary>
    public static bool Meets(VersusFigure figure)
    {
        var (median, p90) = Ratios(figure);
        return figure.Bar is { } bar && median <= bar && p90 <= bar;
    }

    /// <summary>The table, one line per figure after a header: samples, medians and p90 in ms, ratios, the verdict.</summary>
    public static string Render(IEnumerable<VersusFigure> figures)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{"figure",-44} {"n",7} {".NET median / p90 ms",21} {"official median / p90 ms",25} {"ratio median / p90",19}  bar");
        foreach (var figure in figures)
        {
            var (median, p90) = Ratios(figure);
            var verdict = figure.Bar is { } bar
                ? string.Create(culture, $"{(Meets(figure) ? "met" : "missed")} (<= {bar:0.0#}x)")
                : "none";
            var count = string.Create(culture, $"{figure.DotNet.Count}/{figure.Official.Count}");
            var dotnet = string.Create(culture, $"{Percentile(figure.DotNet, 50):0.0} / {Percentile(figure.DotNet, 90):0.0}");
            var official = string.Create(culture, $"{Percentile(figure.Official, 50):0.0} / {Percentile(figure.Official, 90):0.0}");
            var ratios = string.Create(culture, $"{median:0.00}x / {p90:0.00}x");
            text.AppendLine(culture, $"{figure.Figure,-44} {count,7} {dotnet,21} {official,25} {ratios,19}  {verdict}");
        }

        return text.ToString();
    }
}
