using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.Server;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// How replay gives WireMock a recording's mappings, and matches requests against them. Request bodies are matched as
/// JSON: the recorded body patterns and every replayed request's body are brought to one canonical text (object keys
/// sorted, no whitespace), so key order and spacing do not matter while every value (the rewritten ids too) still does.
/// A mapping's recorded latency (<c>Delay</c>) moves to a response header that <see cref="RecordReplayHost"/> applies
/// itself: it then knows, before the delay, that the recording answered the request (and only then lets the chat
/// events that followed it play).
/// </summary>
internal static class ReplayMappings
{
    /// <summary>On every answer from the recording: its recorded latency in milliseconds (taken off before the client sees it).</summary>
    public const string DelayHeader = "X-KonPro-Replay-Delay";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Adds every mapping file of <paramref name="folder"/> (in name order) to <paramref name="server"/>, made matchable.</summary>
    public static void Load(WireMockServer server, string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(file));
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"The recording's mapping '{file}' is not JSON: {ex.Message}", ex);
            }

            foreach (var mapping in root is JsonArray many ? many.OfType<JsonObject>() : root is JsonObject one ? [one] : [])
            {
                server.WithMapping(Prepare(mapping).ToJsonString());
            }
        }
    }

    /// <summary>A mapping with its body patterns canonical and its delay as <see cref="DelayHeader"/>.</summary>
    public static JsonObject Prepare(JsonObject mapping)
    {
        if (mapping["Request"]?["Body"] is JsonObject body)
        {
            foreach (var matcher in new[] { body["Matcher"] }.Concat(body["Matchers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (matcher["Pattern"] is JsonValue pattern && pattern.TryGetValue<string>(out var text))
                {
                    matcher["Pattern"] = Canonical(text);
                }
            }
        }

        if (mapping["Response"] is not JsonObject response)
        {
            mapping["Response"] = response = [];
        }

        var delay = response["Delay"] is JsonValue value && value.TryGetValue<int>(out var ms) ? ms : 0;
        response.Remove("Delay");
        if (response["Headers"] is not JsonObject headers)
        {
            response["Headers"] = headers = [];
        }

        headers[DelayHeader] = delay.ToString(CultureInfo.InvariantCulture);
        return mapping;
    }

    /// <summary>A JSON text in canonical form (keys sorted by ordinal, compact); any other text as it is.</summary>
    public static string Canonical(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        try
        {
            return JsonNode.Parse(text) is { } node ? Sorted(node).ToJsonString(Compact) : text;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return text; // not JSON, or JSON with a duplicate key: matched as text
        }
    }

    /// <summary>A compact one-line form of a body for a message (canonical JSON, or the text), at most 200 characters.</summary>
    public static string Readable(string body)
    {
        var compact = Canonical(body.Trim());
        return compact.Length > 200 ? compact[..200] + "…" : compact;
    }

    private static JsonNode Sorted(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(item => item is null ? null : Sorted(item))]),
        _ => node.DeepClone(),
    };
}
