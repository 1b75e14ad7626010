using KonPro.Streaming.Testing.Room;

namespace KonPro.Streaming.Testing;

/// <content>Preparing the LiveKit-compatible room ahead of use.</content>
public sealed partial class KonProFakeServer
{
    /// <summary>
    /// Checks Node.js and installs the room program's dependencies from its lock file (<c>npm ci</c>) into the cache,
    /// as the first start with the room would. Run it where the npm registry is reachable (before entering a network
    /// namespace); later starts find the installation. Nothing is listened on.
    /// </summary>
    /// <param name="options">The room settings (Node path, cache directory); <see cref="KonProFakeRoomOptions.Enabled"/> is not needed.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>The folder the room program runs from.</returns>
    /// <exception cref="InvalidOperationException">Node.js 20+ or npm is missing, or the installation failed; the message says which.</exception>
    public static Task<string> InstallRoomAsync(KonProFakeRoomOptions options, CancellationToken cancellationToken = default) =>
        InstallRoomAsync(options, progress: null, cancellationToken);

    /// <summary>
    /// Checks Node.js and installs the room program's dependencies as <see cref="InstallRoomAsync(KonProFakeRoomOptions, CancellationToken)"/>
    /// does, telling <paramref name="progress"/> when an install begins and when it is done (with how long it took).
    /// Without the dependencies in npm's cache and with no registry in reach, it fails at once naming
    /// <c>--install-room</c> rather than wait for npm's retries.
    /// </summary>
    /// <param name="options">The room settings (Node path, cache directory); <see cref="KonProFakeRoomOptions.Enabled"/> is not needed.</param>
    /// <param name="progress">Told (one line each) that the install begins and that it is done; nothing when already installed. May be null.</param>
    /// <param name="cancellationToken">Cancels the installation.</param>
    /// <returns>The folder the room program runs from.</returns>
    /// <exception cref="InvalidOperationException">Node.js 20+ or npm is missing, the registry is out of reach, or the installation failed; the message says which.</exception>
    public static Task<string> InstallRoomAsync(KonProFakeRoomOptions options, IProgress<string>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FakeLiveKitInstall.PrepareAsync(options, progress, cancellationToken);
    }
}
