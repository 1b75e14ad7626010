using System.Runtime.InteropServices;

namespace KonPro.Streaming.LiveKit;

/// <summary>Where LiveKit's native client core ships with this package.</summary>
public static class LiveKitPlatform
{
    /// <summary>The runtime identifiers whose native library this package ships.</summary>
    public static IReadOnlyList<string> SupportedRuntimes { get; } = ["linux-x64"];

    /// <summary>
    /// The version of LiveKit's client core (livekit-ffi) the native library is: the npm package
    /// <c>@livekit/rtc-ffi-bindings-linux-x64-gnu</c> of the same version, where LiveKit ships it since its Node SDK's 1.0
    /// (before, <c>@livekit/rtc-node-linux-x64-gnu</c> 0.13.24 carried livekit-ffi 0.12.43).
    /// </summary>
    public const string NativeVersion = "0.12.80";

    /// <summary>Whether this process runs on a platform whose native library the package ships.</summary>
    public static bool IsSupported => IsSupportedPlatform(RuntimeInformation.OSArchitecture, OperatingSystem.IsLinux(), IsGlibc());

    /// <summary>Throws <see cref="PlatformNotSupportedException"/> naming the supported platforms when <see cref="IsSupported"/> is false.</summary>
    /// <exception cref="PlatformNotSupportedException">The platform has no native library in this package.</exception>
    public static void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw Unsupported(RuntimeInformation.RuntimeIdentifier);
        }
    }

    internal static bool IsSupportedPlatform(Architecture architecture, bool isLinux, bool isGlibc) =>
        isLinux && isGlibc && architecture == Architecture.X64;

    internal static PlatformNotSupportedException Unsupported(string runtimeIdentifier) => new(
        $"The LiveKit room connector needs LiveKit's native client core, which this package ships for {string.Join(", ", SupportedRuntimes)} (glibc) only; " +
        $"this process runs on {runtimeIdentifier}. Without a room connector the SDK runs on the chat socket alone (events, messages and voice chat work; there is no video).");

    /// <summary>What LiveKit's core runs at every join, where it is installed, to learn the distribution (<c>lsb_release -a</c>).</summary>
    internal const string OsProbe = "lsb_release";

    /// <summary>
    /// The first executable file named <paramref name="name"/> in the directories of <paramref name="path"/> (a
    /// <c>PATH</c>: directories separated by ':'), as a process spawned by name would find it; null when there is none.
    /// </summary>
    internal static string? FindOnPath(string name, string? path)
    {
        if (string.IsNullOrEmpty(path) || !OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            try
            {
                if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                {
                    return candidate;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An unreadable directory is skipped, as a spawn would skip it.
            }
        }

        return null;
    }

    // musl-based distributions (Alpine) cannot load a glibc build.
    private static bool IsGlibc() => OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase);
}
