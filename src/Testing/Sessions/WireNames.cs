using System.Reflection;
using System.Runtime.Serialization;

namespace KonPro.Streaming.Testing.Sessions;

/// <summary>The wire spelling of the generated enums (their <see cref="EnumMemberAttribute"/> values).</summary>
internal static class WireNames
{
    public static string Of<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var member = typeof(T).GetField(name, BindingFlags.Public | BindingFlags.Static);
        return member?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? name;
    }

    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum =>
        [.. Enum.GetValues<T>().Select(Of)];

    public static bool TryParse<T>(string text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
