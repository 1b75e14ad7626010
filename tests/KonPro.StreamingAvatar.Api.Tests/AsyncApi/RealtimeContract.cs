using System.Text.Json.Nodes;

namespace KonPro.Streaming.TestSupport;

/// <summary>
/// The realtime audio socket's protocol as <c>openapi/konpro-realtime.asyncapi.yaml</c> states it, read into plain sets
/// and maps for the tests that hold the SDK, the fake server and the document in agreement.
/// </summary>
/// <param name="PathPrefix">The channel's address up to its <c>{secret}</c> parameter.</param>
/// <param name="ClientMessages">The messages the server receives, by type.</param>
/// <param name="Aliases">The older names among <paramref name="ClientMessages"/>, each with the type it stands for.</param>
/// <param name="ServerEvents">The messages the server sends, by type.</param>
/// <param name="CloseStatuses">The listed close statuses.</param>
/// <param name="FinalRange">The range of statuses that are all final (<c>x-final-range</c>).</param>
/// <param name="Audio">The audio format of <c>agent.speak</c> (<c>x-audio</c>).</param>
internal sealed record RealtimeContract(
    string PathPrefix,
    IReadOnlyDictionary<string, EventContract> ClientMessages,
    IReadOnlyDictionary<string, string> Aliases,
    IReadOnlyDictionary<string, EventContract> ServerEvents,
    IReadOnlyList<CloseStatusContract> CloseStatuses,
    (int From, int To) FinalRange,
    JsonObject Audio)
{
    /// <summary>The document, copied beside the test assembly by the build.</summary>
    public static readonly string DocumentPath = System.IO.Path.Combine(AppContext.BaseDirectory, "openapi", "konpro-realtime.asyncapi.yaml");

    private static readonly Lazy<RealtimeContract> Loaded = new(() => Read(LoadDocument()));

    /// <summary>The repository's document.</summary>
    public static RealtimeContract Current => Loaded.Value;

    /// <summary>A fresh copy of the document as JSON (tests may change it).</summary>
    public static JsonObject LoadDocument() => YamlJson.Parse(File.ReadAllText(DocumentPath)).AsObject();

    /// <summary>Whether the document lets a client reconnect after this close status.</summary>
    public bool MayReconnect(int status) =>
        CloseStatuses.FirstOrDefault(s => s.Code == status) is { } listed ? listed.Reconnect : status < FinalRange.From || status > FinalRange.To;

    /// <summary>Reads a document.</summary>
    public static RealtimeContract Read(JsonObject document)
    {
        var channel = ChatContract.Resolve(document, document["channels"]?["realtime"]) ?? throw Missing("channels.realtime");
        var address = channel["address"]?.GetValue<string>() ?? throw Missing("channels.realtime.address");
        const string Secret = "{secret}";
        if (!address.EndsWith(Secret, StringComparison.Ordinal) || channel["parameters"]?["secret"] is null)
        {
            throw new InvalidDataException($"The realtime address must end with the {Secret} parameter: {address}");
        }

        var client = Messages(document, "receiveMessages");
        var server = Messages(document, "sendEvents");
        var aliases = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, reference) in channel["messages"]?.AsObject() ?? throw Missing("channels.realtime.messages"))
        {
            var message = ChatContract.Resolve(document, reference) ?? throw Missing("a realtime message");
            if (message["x-alias-of"] is JsonValue of)
            {
                aliases.Add(message["name"]!.GetValue<string>(), of.GetValue<string>());
            }
        }

        var statuses = (channel["x-close-statuses"]?.AsArray() ?? throw Missing("channels.realtime.x-close-statuses"))
            .Select(s => new CloseStatusContract(s!["code"]!.GetValue<int>(), s["reason"]?.GetValue<string>(), s["reconnect"]!.GetValue<bool>()))
            .ToList();
        var range = channel["x-final-range"] ?? throw Missing("channels.realtime.x-final-range");
        var audio = ChatContract.Resolve(document, document["components"]?["messages"]?["agentSpeak"])?["x-audio"]?.AsObject()
            ?? throw Missing("components.messages.agentSpeak.x-audio");

        return new RealtimeContract(
            address[..^Secret.Length], client, aliases, server, statuses,
            (range["from"]!.GetValue<int>(), range["to"]!.GetValue<int>()), audio);
    }

    /// <summary>
    /// The fields of a message, nested ones as <c>parent.child</c>: what a party must write or read for it.
    /// </summary>
    public static IReadOnlySet<string> LeafFields(EventContract message)
    {
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var field in message.Fields)
        {
            if (message.Payload["properties"]![field]!["properties"] is JsonObject nested)
            {
                fields.UnionWith(nested.Select(n => field + "." + n.Key));
            }
            else
            {
                fields.Add(field);
            }
        }

        return fields;
    }

    /// <summary>The string values a field of a message's payload may take (its <c>enum</c>), by path.</summary>
    public static IReadOnlyList<string> EnumOf(EventContract message, string path)
    {
        JsonNode? node = message.Payload;
        foreach (var segment in path.Split('.'))
        {
            node = node?["properties"]?[segment];
        }

        return (node?["enum"]?.AsArray() ?? throw Missing($"an enum at {path} of {message.Name}")).Select(v => v!.GetValue<string>()).ToList();
    }

    private static SortedDictionary<string, EventContract> Messages(JsonObject document, string operation)
    {
        var messages = new SortedDictionary<string, EventContract>(StringComparer.Ordinal);
        foreach (var reference in document["operations"]?[operation]?["messages"]?.AsArray() ?? throw Missing($"operations.{operation}.messages"))
        {
            var message = ChatContract.Resolve(document, reference) ?? throw Missing($"a message of {operation}");
            var evt = ChatContract.ReadEvent(document, message, "type");
            messages.Add(evt.Name, evt);
        }

        return messages;
    }

    private static InvalidDataException Missing(string what) => new($"The realtime protocol document has no {what}.");
}
