using System.Text.Json.Nodes;
using Json.Schema;

namespace KonPro.Streaming.TestSupport;

/// <summary>One event of the chat protocol document: its name, its fields (without the name property), its payload schema and examples.</summary>
internal sealed record EventContract(string Name, IReadOnlySet<string> Fields, IReadOnlySet<string> Required, JsonObject Payload, IReadOnlyList<JsonNode> Examples)
{
    private readonly Lazy<JsonSchema> _schema = new(() => SchemaErrors.Build(Payload.ToJsonString()));

    /// <summary>Validates one wire message against the payload schema; returns the failures.</summary>
    public IReadOnlyList<string> Validate(JsonNode message) => SchemaErrors.Of(_schema.Value, message);
}

/// <summary>
/// Builds and evaluates JSON Schemas. Each schema gets a registry of its own (the library's global one is shared
/// mutable state, and tests run in parallel), and evaluations are serialized.
/// </summary>
internal static class SchemaErrors
{
    private static readonly Lock Gate = new();

    /// <summary>Builds a schema from its JSON text, in a registry of its own.</summary>
    public static JsonSchema Build(string json)
    {
        lock (Gate)
        {
            return JsonSchema.FromText(json, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
    }

    /// <summary>Returns the failures as "instance location: keyword: message" lines (none when the instance is valid).</summary>
    public static IReadOnlyList<string> Of(JsonSchema schema, JsonNode instance)
    {
        using var json = System.Text.Json.JsonDocument.Parse(instance.ToJsonString());
        EvaluationResults results;
        lock (Gate)
        {
            results = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        }

        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }
}

/// <summary>
/// A text message a client publishes on the room's data channel: its name, the exact text when the document fixes it
/// (push-to-talk), and its payload schema.
/// </summary>
internal sealed record TextMessageContract(string Name, string? Text, JsonObject Payload)
{
    private readonly Lazy<JsonSchema> _schema = new(() => SchemaErrors.Build(Payload.ToJsonString()));

    /// <summary>Validates one published text against the payload schema; returns the failures.</summary>
    public IReadOnlyList<string> Validate(string text) => SchemaErrors.Of(_schema.Value, JsonValue.Create(text));
}

/// <summary>A close status of the chat socket (<c>x-close-statuses</c>).</summary>
internal sealed record CloseStatusContract(int Code, string? Reason, bool Reconnect);

/// <summary>
/// The chat protocol as <c>openapi/konpro-chat.asyncapi.yaml</c> states it, read into plain sets and maps for the
/// tests that hold the SDK, the fake server and the document in agreement.
/// </summary>
internal sealed record ChatContract(
    string Path,
    IReadOnlyDictionary<string, EventContract> SocketEvents,
    IReadOnlyDictionary<string, EventContract> RoomEvents,
    IReadOnlyDictionary<string, TextMessageContract> RoomClientMessages,
    IReadOnlyDictionary<string, IReadOnlySet<string>> ClientEvents,
    IReadOnlyList<CloseStatusContract> CloseStatuses,
    IReadOnlyDictionary<string, bool> QueryParameters,
    IReadOnlyList<string> FrameCases)
{
    /// <summary>The document, copied beside the test assembly by the build.</summary>
    public static readonly string DocumentPath = System.IO.Path.Combine(AppContext.BaseDirectory, "openapi", "konpro-chat.asyncapi.yaml");

    private static readonly Lazy<ChatContract> Loaded = new(() => Read(LoadDocument()));

    /// <summary>The repository's document.</summary>
    public static ChatContract Current => Loaded.Value;

    /// <summary>A fresh copy of the document as JSON (tests may change it).</summary>
    public static JsonObject LoadDocument() => YamlJson.Parse(File.ReadAllText(DocumentPath)).AsObject();

    /// <summary>Reads a document.</summary>
    public static ChatContract Read(JsonObject document)
    {
        var chat = Resolve(document, document["channels"]?["chat"]) ?? throw Missing("channels.chat");
        var room = Resolve(document, document["channels"]?["roomData"]);

        var socketEvents = new SortedDictionary<string, EventContract>(StringComparer.Ordinal);
        var frames = new List<string>();
        foreach (var (_, reference) in chat["messages"]?.AsObject() ?? throw Missing("channels.chat.messages"))
        {
            var message = Resolve(document, reference) ?? throw Missing("a chat message");
            if (message["x-protobuf-oneof-field"] is JsonValue frameCase)
            {
                frames.Add(frameCase.GetValue<string>());
                continue;
            }

            var evt = ReadEvent(document, message, "event_type");
            socketEvents.Add(evt.Name, evt);
        }

        // The room carries JSON events (objects named in `type`) one way and plain text messages the other.
        var roomEvents = new SortedDictionary<string, EventContract>(StringComparer.Ordinal);
        var roomClientMessages = new SortedDictionary<string, TextMessageContract>(StringComparer.Ordinal);
        foreach (var (_, reference) in room?["messages"]?.AsObject() ?? [])
        {
            var message = Resolve(document, reference) ?? throw Missing("a room message");
            if (Inline(document, message["payload"]) is JsonObject { } text && text["type"]?.GetValue<string>() == "string")
            {
                var name = message["name"]?.GetValue<string>() ?? throw Missing("a room text message's name");
                roomClientMessages.Add(name, new TextMessageContract(name, text["const"]?.GetValue<string>(), text));
                continue;
            }

            var evt = ReadEvent(document, message, "type");
            roomEvents.Add(evt.Name, evt);
        }

        var clientEvents = new SortedDictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var entry in document["x-client-events"]?["events"]?.AsArray() ?? [])
        {
            clientEvents.Add(
                entry!["name"]!.GetValue<string>(),
                (entry["fields"]?.AsArray() ?? []).Select(f => f!.GetValue<string>()).ToHashSet(StringComparer.Ordinal));
        }

        var closeStatuses = (chat["x-close-statuses"]?.AsArray() ?? throw Missing("channels.chat.x-close-statuses"))
            .Select(s => new CloseStatusContract(
                s!["code"]!.GetValue<int>(),
                s["reason"]?.GetValue<string>(),
                s["reconnect"]!.GetValue<bool>()))
            .ToList();

        var query = chat["bindings"]?["ws"]?["query"] ?? throw Missing("channels.chat.bindings.ws.query");
        var required = (query["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var parameters = (query["properties"]?.AsObject() ?? throw Missing("the query's properties"))
            .ToDictionary(p => p.Key, p => required.Contains(p.Key), StringComparer.Ordinal);

        var path = chat["address"]?.GetValue<string>() ?? throw Missing("channels.chat.address");
        return new ChatContract(path, socketEvents, roomEvents, roomClientMessages, clientEvents, closeStatuses, parameters, frames);
    }

    /// <summary>Reads one JSON message: its name (the constant of <paramref name="nameProperty"/>), fields, payload and examples.</summary>
    internal static EventContract ReadEvent(JsonObject document, JsonObject message, string nameProperty)
    {
        var payload = Inline(document, message["payload"]) as JsonObject ?? throw Missing("a message's payload");
        var properties = payload["properties"]?.AsObject() ?? throw Missing("a payload's properties");
        var name = properties[nameProperty]?["const"]?.GetValue<string>()
            ?? throw new InvalidDataException($"A payload without a constant '{nameProperty}': {payload.ToJsonString()}");
        var fields = properties.Select(p => p.Key).Where(k => k != nameProperty).ToHashSet(StringComparer.Ordinal);
        var required = (payload["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).Where(k => k != nameProperty)
            .ToHashSet(StringComparer.Ordinal);
        var examples = (message["examples"]?.AsArray() ?? []).Select(e => e?["payload"]?.DeepClone()).OfType<JsonNode>().ToList();
        return new EventContract(name, fields, required, payload, examples);
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/a/b</c>), if the node is one.</summary>
    internal static JsonObject? Resolve(JsonObject document, JsonNode? node)
    {
        var hops = 0;
        while (node is JsonObject obj && obj["$ref"] is JsonValue reference && reference.GetValue<string>() is { } pointer && pointer.StartsWith("#/", StringComparison.Ordinal))
        {
            if (++hops > 16)
            {
                throw new InvalidDataException($"A $ref cycle at {pointer}.");
            }

            node = document;
            foreach (var segment in pointer[2..].Split('/'))
            {
                node = node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                    ?? throw new InvalidDataException($"The $ref {pointer} points nowhere.");
            }
        }

        return node as JsonObject;
    }

    /// <summary>A deep copy of a schema with every local <c>$ref</c> replaced by what it points at.</summary>
    internal static JsonNode? Inline(JsonObject document, JsonNode? node) => node switch
    {
        JsonObject obj when obj["$ref"] is JsonValue => Inline(document, Resolve(document, obj)),
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Inline(document, p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(item => Inline(document, item))]),
        _ => node?.DeepClone(),
    };

    private static InvalidDataException Missing(string what) => new($"The chat protocol document has no {what}.");
}
