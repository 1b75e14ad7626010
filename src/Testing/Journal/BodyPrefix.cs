using System.Globalization;
using System.Text;

namespace KonPro.Streaming.Testing;

/// <summary>
/// Keeps what the journal stores of a body bounded: a body longer than the limit is kept as its first <c>limit</c>
/// characters (or bytes) followed by a marker that gives its full length.
/// </summary>
internal static class BodyPrefix
{
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Of(string? text, int limit) =>
        text is null || text.Length <= limit ? text : text[..limit] + Marker(text.Length, "characters");

    public static string? Of(ReadOnlySpan<byte> bytes, int limit)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        return bytes.Length <= limit
            ? Encoding.UTF8.GetString(bytes)
            : Encoding.UTF8.GetString(bytes[..limit]) + Marker(bytes.Length, "bytes");
    }

    private static string Marker(int length, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"…[truncated: {length} {unit}]");
}
