using WireMock.Handlers;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// Where WireMock's proxy-and-record writes its mappings: <c>&lt;folder&gt;/mappings</c>, each file passed through the
/// <see cref="RecordingRedactor"/> before it touches the disk, with the answer's recorded latency as its delay (so that a
/// sync <c>task</c> is answered when the avatar has finished, as it was). Unmatched requests are never written.
/// </summary>
internal sealed class RedactingFileSystemHandler : LocalFileSystemHandler
{
    private readonly string _mappings;
    private readonly RecordingRedactor _redactor;
    private readonly Func<TimeSpan?> _latency;

    /// <param name="root">The recording folder.</param>
    /// <param name="redactor">Clears every mapping of secrets.</param>
    /// <param name="latency">How long the call being saved took so far (WireMock saves the mapping in the call's own flow), or null.</param>
    public RedactingFileSystemHandler(string root, RecordingRedactor redactor, Func<TimeSpan?> latency)
        : base(root)
    {
        _mappings = Path.Combine(root, RecordingLayout.MappingsFolder);
        _redactor = redactor;
        _latency = latency;
    }

    public override string GetMappingFolder() => _mappings;

    public override void WriteMappingFile(string path, string text) =>
        base.WriteMappingFile(Path.Combine(Path.GetDirectoryName(path) ?? _mappings, FileName(Path.GetFileName(path))), _redactor.RedactMapping(text, _latency()));

    /// <summary>
    /// A mapping's file name without spaces or other characters a shell would need quoted: WireMock names it after the
    /// mapping's title (<c>Proxy Mapping for _POST_v1_streaming_new_&lt;guid&gt;.json</c>); it becomes
    /// <c>POST_v1_streaming_new_&lt;guid&gt;.json</c>.
    /// </summary>
    internal static string FileName(string name)
    {
        const string Prefix = "Proxy Mapping for ";
        if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            name = name[Prefix.Length..];
        }

        var safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')).TrimStart('_');
        return safe.Length == 0 ? "mapping.json" : safe;
    }

    public override void WriteUnmatchedRequest(string filename, string text)
    {
        // Unmatched requests carry their headers (the credentials): a recording never keeps them.
    }
}
