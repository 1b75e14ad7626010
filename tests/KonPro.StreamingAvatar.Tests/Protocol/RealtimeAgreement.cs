using System.Reflection;
using System.Text.Json.Nodes;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// What one party (the SDK or the fake server) knows of the realtime audio socket, read from its code or its behaviour.
/// </summary>
/// <param name="Party">"the SDK" or "the fake".</param>
/// <param name="Reads">
/// The message types the party reads: the SDK, the server events its parser types, each with the documented fields
/// that reach its record; the fake, the client messages it accepts (fields not compared: empty sets).
/// </param>
/// <param name="Writes">The message types the party was seen to send, each with the fields it wrote (nested ones as <c>parent.child</c>).</param>
/// <param name="Unfed">Members of the party's records that no documented field feeds (the SDK only).</param>
internal sealed record RealtimeSide(
    string Party,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Reads,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Writes,
    IReadOnlyList<string> Unfed);

/// <summary>
/// Compares openapi/konpro-realtime.asyncapi.yaml with the SDK (which reads server events and sends client messages)
/// and with the fake (which reads client messages and sends server events). Returns one line per disagreement.
/// </summary>
internal static class RealtimeAgreement
{
    public static IReadOnlyList<string> Check(RealtimeContract document, RealtimeSide sdk, RealtimeSide fake)
    {
        var problems = new List<string>();
        CompareReads(document.ServerEvents, sdk, compareFields: true, problems);
        CompareWrites(document.ClientMessages, sdk, document.Aliases.Keys.ToHashSet(StringComparer.Ordinal), problems);
        CompareReads(document.ClientMessages, fake, compareFields: false, problems);
        CompareWrites(document.ServerEvents, fake, new HashSet<string>(StringComparer.Ordinal), problems);
        problems.AddRange(sdk.Unfed.Concat(fake.Unfed).Select(member => $"{member} is read from no field of the document"));
        return problems;
    }

    /// <summary>The fields of one wire message, nested objects' fields as <c>parent.child</c>, without <c>type</c>.</summary>
    public static HashSet<string> FieldsOf(JsonObject message)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in message)
        {
            if (name == Api.RealtimeProtocol.TypeProperty)
            {
                continue;
            }

            if (value is JsonObject nested)
            {
                fields.UnionWith(nested.Select(n => name + "." + n.Key));
            }
            else
            {
                fields.Add(name);
            }
        }

        return fields;
    }

    private static void CompareReads(IReadOnlyDictionary<string, EventContract> documented, RealtimeSide party, bool compareFields, List<string> problems)
    {
        foreach (var type in documented.Keys.Where(t => !party.Reads.ContainsKey(t)))
        {
            problems.Add($"{type} is in the document but {party.Party} does not read it");
        }

        foreach (var type in party.Reads.Keys.Where(t => !documented.ContainsKey(t)))
        {
            problems.Add($"{party.Party} reads {type}, which is not in the document");
        }

        if (!compareFields)
        {
            return;
        }

        foreach (var (type, fields) in party.Reads)
        {
            if (documented.TryGetValue(type, out var contract))
            {
                foreach (var field in RealtimeContract.LeafFields(contract).Where(f => !fields.Contains(f)))
                {
                    problems.Add($"field {field} of {type} is in the document but {party.Party} does not read it");
                }
            }
        }
    }

    private static void CompareWrites(IReadOnlyDictionary<string, EventContract> documented, RealtimeSide party, HashSet<string> optional, List<string> problems)
    {
        foreach (var type in documented.Keys.Where(t => !party.Writes.ContainsKey(t) && !optional.Contains(t)))
        {
            problems.Add($"{type} is in the document but {party.Party} never sends it");
        }

        foreach (var (type, fields) in party.Writes)
        {
            if (!documented.TryGetValue(type, out var contract))
            {
                problems.Add($"{party.Party} sends {type}, which is not in the document");
                continue;
            }

            var leaves = RealtimeContract.LeafFields(contract);
            foreach (var field in fields.Where(f => !leaves.Contains(f)))
            {
                problems.Add($"field {field} of {type} is sent by {party.Party} but not in the document");
            }

            foreach (var field in leaves.Where(f => !fields.Contains(f)))
            {
                problems.Add($"field {field} of {type} is in the document but {party.Party} never sends it");
            }
        }
    }
}

/// <summary>
/// The SDK's side of the realtime protocol. Reads: the types its parser turns into records, and for each the
/// documented fields that change the record (each field is fed alone, with a value of its documented type, and the
/// record compared with one parsed without it). Writes: what it was seen to send.
/// </summary>
internal static class SdkRealtimeProtocol
{
    public static RealtimeSide Read(RealtimeContract document, IEnumerable<string> sent)
    {
        var reads = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var unfed = new List<string>();
        foreach (var type in RealtimeAudioEventParser.KnownTypes)
        {
            var baseline = Parse(new JsonObject { [Api.RealtimeProtocol.TypeProperty] = type });
            var members = baseline.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.Name is not (nameof(RealtimeAudioEvent.Type) or nameof(RealtimeAudioEvent.ReceivedAt)))
                .ToList();
            var fed = new HashSet<string>(StringComparer.Ordinal);
            var fields = new HashSet<string>(StringComparer.Ordinal);
            if (document.ServerEvents.TryGetValue(type, out var contract))
            {
                foreach (var field in RealtimeContract.LeafFields(contract))
                {
                    var parsed = Parse(SampleWith(type, field, contract.Payload));
                    var changed = members.Where(m => !Equals(m.GetValue(parsed), m.GetValue(baseline))).Select(m => m.Name).ToList();
                    if (changed.Count > 0)
                    {
                        fields.Add(field);
                        fed.UnionWith(changed);
                    }
                }
            }

            reads[type] = fields;
            unfed.AddRange(members.Where(m => !fed.Contains(m.Name)).Select(m => $"the SDK's {baseline.GetType().Name}.{m.Name}"));
        }

        return new RealtimeSide("the SDK", reads, WritesOf(sent), unfed);
    }

    /// <summary>The types and fields of the messages a party sent.</summary>
    public static Dictionary<string, IReadOnlySet<string>> WritesOf(IEnumerable<string> sent)
    {
        var writes = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var text in sent)
        {
            var message = JsonNode.Parse(text)!.AsObject();
            var type = message[Api.RealtimeProtocol.TypeProperty]!.GetValue<string>();
            (writes.TryGetValue(type, out var fields) ? fields : writes[type] = new HashSet<string>(StringComparer.Ordinal))
                .UnionWith(RealtimeAgreement.FieldsOf(message));
        }

        return writes.ToDictionary(w => w.Key, w => (IReadOnlySet<string>)w.Value, StringComparer.Ordinal);
    }

    private static RealtimeAudioEvent Parse(JsonObject message) => RealtimeAudioEventParser.Parse(message.ToJsonString(), DateTimeOffset.UnixEpoch);

    /// <summary>A message of the type with one field (a path such as <c>error.code</c>) set to a value of its documented type.</summary>
    private static JsonObject SampleWith(string type, string path, JsonObject payload)
    {
        var message = new JsonObject { [Api.RealtimeProtocol.TypeProperty] = type };
        var segments = path.Split('.');
        var target = message;
        JsonNode? schema = payload;
        foreach (var segment in segments[..^1])
        {
            var nested = new JsonObject();
            target[segment] = nested;
            target = nested;
            schema = schema?["properties"]?[segment];
        }

        var leaf = schema?["properties"]?[segments[^1]];
        target[segments[^1]] = leaf?["enum"] is JsonArray values ? values[^1]!.DeepClone()
            : TypeOf(leaf) is "integer" or "number" ? JsonValue.Create(7)
            : JsonValue.Create("sample-" + path);
        return message;
    }

    private static string? TypeOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };
}
