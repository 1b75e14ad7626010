namespace KonPro.Streaming.Testing;

/// <summary>
/// The fake's LiveKit-compatible room (<see cref="KonProFakeServerOptions.Room"/>): a small Node.js program the server
/// starts as a child process. It needs Node.js 20 or later (with npm) at run time; its dependencies are installed on
/// first use from the program's lock file into <see cref="CacheDirectory"/>.
/// </summary>
/// <remarks>
/// WebRTC ignores loopback interfaces, so a client joins the room over a real network interface. On machines where
/// no process may send traffic beyond loopback, run the server and its clients inside a network namespace (the
/// repository's <c>eng/netns-run</c>).
/// </remarks>
public sealed class KonProFakeRoomOptions
{
    /// <summary>Whether each session gets a LiveKit room (default false: <c>new</c> returns an unreachable room URL).</summary>
    public bool Enabled { get; set; }

    /// <summary>The Node.js executable: a path, or a name looked up on the PATH (default <c>node</c>).</summary>
    public string NodePath { get; set; } = "node";

    /// <summary>The npm executable that installs the room's dependencies (default: <c>npm</c> beside <see cref="NodePath"/>, else on the PATH).</summary>
    public string? NpmPath { get; set; }

    /// <summary>
    /// The host name or address that room URLs name (default null: the host the client used for <c>new</c>, so it
    /// reaches the room the way it reached the REST API).
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The address the room's signalling listens on (default 127.0.0.1, like the REST API).</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The room's signalling TCP port (default 0: a free port).</summary>
    public int Port { get; set; }

    /// <summary>
    /// Where the room program and its installed dependencies are kept (default: <c>konpro/fake-livekit</c> under the
    /// user's cache directory, or the <c>KONPRO_FAKE_LIVEKIT_CACHE</c> environment variable when set).
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The avatar's video frame rate (default 15).</summary>
    public int FrameRate { get; set; } = 15;

    /// <summary>How long installing and starting the room program may take (default 3 minutes; a first install downloads packages).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(3);

    internal void Validate()
    {
        if (!Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(NodePath))
        {
            throw new ArgumentException("The room's Node.js path must not be blank.", nameof(NodePath));
        }

        if (string.IsNullOrWhiteSpace(ListenAddress) || !System.Net.IPAddress.TryParse(ListenAddress, out _))
        {
            throw new ArgumentException("The room's listen address must be an IP address such as 127.0.0.1.", nameof(ListenAddress));
        }

        if (AdvertisedHost is not null && (AdvertisedHost.Length == 0 || Uri.CheckHostName(AdvertisedHost) == UriHostNameType.Unknown))
        {
            throw new ArgumentException("The room's advertised host must be a host name or an IP address.", nameof(AdvertisedHost));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The room's port must be between 0 and 65535.");
        }

        if (FrameRate is < 1 or > 60)
        {
            throw new ArgumentOutOfRangeException(nameof(FrameRate), FrameRate, "The room's frame rate must be between 1 and 60.");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartTimeout), StartTimeout, "The room's start timeout must be positive.");
        }
    }
}
