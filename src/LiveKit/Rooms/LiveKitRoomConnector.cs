using KonPro.Streaming.Events;
using KonPro.Streaming.LiveKit.Native;
using KonPro.Streaming.Rooms;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.LiveKit;

/// <summary>
/// Joins the session's LiveKit room on LiveKit's own client core (its Rust FFI, loaded from this package's native
/// library). Opt in with <c>new StreamingAvatarOptions { RoomConnector = new LiveKitRoomConnector() }</c> or
/// <c>services.AddKonProLiveKit()</c>; the session then takes the avatar's events from the room's data channel too,
/// raises <see cref="StreamReady"/> when the avatar's video and audio are subscribed, and offers its media on
/// <see cref="StreamingAvatar.Room"/>.
/// </summary>
/// <remarks>
/// The native library ships for linux-x64 (glibc) only (<see cref="LiveKitPlatform"/>); elsewhere
/// <see cref="ConnectAsync"/> throws <see cref="PlatformNotSupportedException"/> before anything goes over the wire.
/// All rooms of a process share one FFI server, started by the first room and stopped
/// <see cref="LiveKitRoomOptions.FfiServerIdleTimeout"/> after the last one is disposed (or when the process exits), so
/// back-to-back sessions start it once.
/// </remarks>
public sealed class LiveKitRoomConnector : IAvatarRoomConnector
{
    private readonly LiveKitRoomOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a connector.</summary>
    /// <param name="options">Media queue sizes, audio format and the FFI server's idle timeout; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (for example a negative <see cref="LiveKitRoomOptions.FfiServerIdleTimeout"/>).</exception>
    /// <param name="loggerFactory">Where the connector logs; nowhere when null.</param>
    public LiveKitRoomConnector(LiveKitRoomOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new LiveKitRoomOptions();
        _options.Validate();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("KonPro.StreamingAvatar.LiveKit");
    }

    /// <summary>
    /// Starts the process's FFI server (loading the native library) if it is not up, and leaves it up, idle, for
    /// <see cref="LiveKitRoomOptions.FfiServerIdleTimeout"/>, so that a join within that time finds it running. The SDK
    /// calls it while <c>new</c> is in flight. Does nothing where no native library ships, or when the idle timeout is
    /// zero (the server would stop again at once).
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for a server that is still shutting down.</param>
    /// <returns>A task that completes when the server is up.</returns>
    /// <exception cref="LiveKitNativeException">The native library could not be loaded.</exception>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        if (!LiveKitPlatform.IsSupported || _options.FfiServerIdleTimeout == TimeSpan.Zero)
        {
            return;
        }

        var ffi = await FfiClient.AcquireAsync(_logger, cancellationToken).ConfigureAwait(false);
        ffi.Release(_options.FfiServerIdleTimeout, _options.SchedulerOrDefault);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The URL is not an absolute ws, wss, http or https URL, or the token is empty.</exception>
    /// <exception cref="PlatformNotSupportedException">No native library ships for this platform.</exception>
    /// <exception cref="LiveKitNativeException">The native library could not be loaded, or joining failed.</exception>
    public async Task<IAvatarRoom> ConnectAsync(AvatarRoomConnectRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss" or "http" or "https"))
        {
            throw new ArgumentException($"The room URL must be an absolute ws, wss, http or https URL; it is '{request.Url}'.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.AccessToken))
        {
            throw new ArgumentException("The room access token is empty.", nameof(request));
        }

        LiveKitPlatform.EnsureSupported();
        var ffi = await FfiClient.AcquireAsync(_logger, cancellationToken).ConfigureAwait(false);
        var room = new LiveKitRoom(ffi, _options, _logger);
        try
        {
            await room.ConnectAsync(request.Url, request.AccessToken, cancellationToken).ConfigureAwait(false);
            return room;
        }
        catch
        {
            await room.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
