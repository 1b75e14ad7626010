namespace KonPro.Streaming.Testing;

/// <content>Record and replay: the fake as a recording proxy in front of the real service, or serving a recording offline.</content>
public sealed partial class KonProFakeServerOptions
{
    /// <summary>
    /// Record mode, with <see cref="RecordDirectory"/>: the upstream service (for example <c>https://api.konpro.ai</c>) to which
    /// every REST call and the chat socket's messages (both ways) are forwarded. The fake's own behaviour is off.
    /// </summary>
    public Uri? ProxyUrl { get; set; }

    /// <summary>
    /// Record mode, with <see cref="ProxyUrl"/>: the folder the recording is written to (created when missing): WireMock
    /// mappings of every REST call under <c>mappings/</c>, and one JSON-lines file per chat socket under <c>chat/</c>.
    /// Every API key, session token and LiveKit token is redacted in every file. In record and replay modes the
    /// <see cref="KonProFakeServer.Journal"/> and <see cref="KonProFakeServer.Sessions"/> stay empty (the fake's own
    /// behaviour is off).
    /// </summary>
    public string? RecordDirectory { get; set; }

    /// <summary>
    /// Replay mode: serves the recording in this folder offline. A replayed <c>new</c> hands out a fresh session id and
    /// fresh tokens, and that session's later calls and chat socket get the recorded answers and events with the ids
    /// rewritten. A request the recording has no answer for is answered 404 <c>RESOURCE_NOT_FOUND</c> naming it.
    /// </summary>
    public string? ReplayDirectory { get; set; }

    internal bool IsRecording => RecordDirectory is not null;

    internal bool IsReplaying => ReplayDirectory is not null;

    internal void ValidateRecording()
    {
        if ((ProxyUrl is null) != (RecordDirectory is null))
        {
            throw new ArgumentException("Record mode needs both ProxyUrl and RecordDirectory.", ProxyUrl is null ? nameof(ProxyUrl) : nameof(RecordDirectory));
        }

        if (ProxyUrl is not null && (!ProxyUrl.IsAbsoluteUri || ProxyUrl.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"ProxyUrl must be an absolute http or https URL; was '{ProxyUrl}'.", nameof(ProxyUrl));
        }

        if (RecordDirectory is not null && string.IsNullOrWhiteSpace(RecordDirectory))
        {
            throw new ArgumentException("RecordDirectory must not be blank.", nameof(RecordDirectory));
        }

        if (ReplayDirectory is not null)
        {
            if (IsRecording)
            {
                throw new ArgumentException("Record and replay cannot be combined.", nameof(ReplayDirectory));
            }

            if (!Directory.Exists(Path.Combine(ReplayDirectory, Recording.RecordingLayout.MappingsFolder)))
            {
                throw new ArgumentException($"ReplayDirectory '{ReplayDirectory}' holds no recording (no '{Recording.RecordingLayout.MappingsFolder}' folder).", nameof(ReplayDirectory));
            }
        }

        if ((IsRecording || IsReplaying) && Room.Enabled)
        {
            throw new ArgumentException("The room cannot be combined with record or replay.", nameof(Room));
        }
    }
}
