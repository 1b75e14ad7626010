using System.Globalization;
using System.Text;
using KonPro.Benchmarks.Quick;

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
    /// <summary>The ratios (.NET / official) at the median and at p90.</summary>
    public static (double Median, double P90) Ratios(VersusFigure figure) =>
        (Measure.Percentile(figure.DotNet, 50) / Measure.Percentile(figure.Official, 50), Measure.Percentile(figure.DotNet, 90) / Measure.Percentile(figure.Official, 90));

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
            var dotnet = string.Create(culture, $"{Measure.Percentile(figure.DotNet, 50):0.0} / {Measure.Percentile(figure.DotNet, 90):0.0}");
            var official = string.Create(culture, $"{Measure.Percentile(figure.Official, 50):0.0} / {Measure.Percentile(figure.Official, 90):0.0}");
            var ratios = string.Create(culture, $"{median:0.00}x / {p90:0.00}x");
            text.AppendLine(culture, $"{figure.Figure,-44} {count,7} {dotnet,21} {official,25} {ratios,19}  {verdict}");
        }

        return text.ToString();
    }
}
