using KonPro.Streaming.TestSupport;
using Microsoft.OpenApi.Models;
using Microsoft.OpenApi.Readers;

namespace KonPro.Streaming.Api.Tests.Spec;

/// <summary>The OpenAPI spec, read once per test run with the reference OpenAPI reader.</summary>
internal static class SpecDocument
{
    private static readonly Lazy<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> Loaded = new(Load);

    public static OpenApiDocument Document => Loaded.Value.Document;

    public static OpenApiDiagnostic Diagnostic => Loaded.Value.Diagnostic;

    public static IEnumerable<(string Path, OperationType Method, OpenApiOperation Operation)> Operations =>
        Document.Paths.SelectMany(path => path.Value.Operations.Select(op => (path.Key, op.Key, op.Value)));

    private static (OpenApiDocument, OpenApiDiagnostic) Load()
    {
        using var stream = File.OpenRead(RepositoryPaths.Spec);
        var document = new OpenApiStreamReader().Read(stream, out var diagnostic);
        return (document, diagnostic);
    }
}
