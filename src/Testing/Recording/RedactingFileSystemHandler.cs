using WireMock.Handlers;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// Where WireMock's proxy-and-record writes its mappings: <c>&lt;folder&gt;/mappings</c>, each file passed through the
/// <see cref="SecretRedactor"/> before it touches the disk. Unmatched requests are never written.
/// </summary>
internal sealed class RedactingFileSystemHandler : LocalFileSystemHandler
{
    private readonly string _mappings;
    private readonly SecretRedactor _redactor;

    public RedactingFileSystemHandler(string root, SecretRedactor redactor)
        : base(root)
    {
        _mappings = Path.Combine(root, RecordingLayout.MappingsFolder);
        _redactor = redactor;
    }

    public override string GetMappingFolder() => _mappings;

    public override void WriteMappingFile(string path, string text) => base.WriteMappingFile(path, _redactor.RedactMapping(text));

    public override void WriteUnmatchedRequest(string filename, string text)
    {
        // Unmatched requests carry their headers (the credentials): a recording never keeps them.
    }
}
