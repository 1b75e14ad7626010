using System.Reflection;
using System.Text;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// Serves the wire contracts the fake implements, as embedded in this assembly from <c>openapi/</c>: the REST spec at
/// <c>GET /openapi/konpro-streaming.yaml</c>, the chat frames' <c>.proto</c>, and the chat protocol's AsyncAPI document
/// when the repository has one. No credential is needed; <c>GET /openapi/</c> lists the files.
/// </summary>
internal static class ContractRoutes
{
    public const string Prefix = "/openapi/";
    private const string ResourcePrefix = "openapi/";

    public static void Map(WireMockServer server, RestPipeline pipeline)
    {
        var assembly = typeof(ContractRoutes).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(n => n[ResourcePrefix.Length..], n => n, StringComparer.Ordinal);

        RestRoutes.Given(server, RoutePathMatcher.Pattern(@"^/openapi/[^/]*$"), r => r.UsingGet())
            .RespondWith(Response.Create().WithCallback((IRequestMessage request) => Answer(assembly, files, pipeline, request.Path[Prefix.Length..])));
    }

    private static ResponseMessage Answer(Assembly assembly, Dictionary<string, string> files, RestPipeline pipeline, string name)
    {
        if (name.Length == 0)
        {
            return Text(200, string.Join('\n', files.Keys.Order(StringComparer.Ordinal)) + "\n", "text/plain; charset=utf-8");
        }

        if (!files.TryGetValue(name, out var resource))
        {
            var error = pipeline.ErrorAnswer(RestError.NotFound($"no such contract file: {name}"));
            return Text(error.Status, error.Body, "application/json; charset=utf-8");
        }

        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Text(200, reader.ReadToEnd(), ContentType(name));
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".yaml" or ".yml" => "application/yaml; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    private static ResponseMessage Text(int status, string body, string contentType)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", contentType);
        return response;
    }
}
