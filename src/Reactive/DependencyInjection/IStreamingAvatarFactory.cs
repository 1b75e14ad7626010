using KonPro.Streaming.Admin;

namespace KonPro.Streaming;

/// <summary>Creates one <see cref="StreamingAvatar"/> per session, wired to the container's HTTP, logging, metrics and time.</summary>
public interface IStreamingAvatarFactory
{
    /// <summary>Creates an avatar client with the configured credential, or with <paramref name="sessionToken"/> when given.</summary>
    /// <param name="sessionToken">A session token from <see cref="KonProAdminClient.CreateTokenAsync"/>, to use instead of the configured credential.</param>
    /// <returns>A new client; the caller disposes it.</returns>
    StreamingAvatar Create(string? sessionToken = null);
}
