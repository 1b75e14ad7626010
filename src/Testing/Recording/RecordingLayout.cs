namespace KonPro.Streaming.Testing.Recording;

/// <summary>The files of a recording folder.</summary>
internal static class RecordingLayout
{
    /// <summary>WireMock's proxy-and-record mappings, one JSON file per REST call.</summary>
    public const string MappingsFolder = "mappings";

    /// <summary>One JSON-lines file per chat socket: <c>&lt;session id&gt;.&lt;n&gt;.jsonl</c>, n counting the session's sockets from 1.</summary>
    public const string ChatFolder = "chat";

    public static string ChatFile(string root, string sessionId, int socket) =>
        Path.Combine(root, ChatFolder, $"{Sanitize(sessionId)}.{socket}.jsonl");

    // A session id from the upstream becomes a file name: keep it to safe characters.
    private static string Sanitize(string id) =>
        string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
