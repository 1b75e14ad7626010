using System.Globalization;

namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>Linux's view of child processes (/proc), to check that the room program lives and dies with its server.</summary>
internal static class ChildProcesses
{
    /// <summary>The ids of the live processes whose parent is <paramref name="parentId"/> and whose command line contains <paramref name="commandPart"/>.</summary>
    public static IReadOnlyList<int> Of(int parentId, string commandPart) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0 && IsAlive(id) && ParentOf(id) == parentId && CommandLine(id).Contains(commandPart, StringComparison.Ordinal))];

    /// <summary>Whether the process exists and is not a zombie.</summary>
    public static bool IsAlive(int id)
    {
        var stat = Read($"/proc/{id}/stat");
        var end = stat.LastIndexOf(')');
        return end > 0 && stat.Length > end + 2 && stat[end + 2] != 'Z';
    }

    private static int ParentOf(int id)
    {
        var stat = Read($"/proc/{id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : 0;
    }

    private static string CommandLine(int id) => Read($"/proc/{id}/cmdline").Replace('\0', ' ');

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty; // the process ended meanwhile
        }
    }
}
