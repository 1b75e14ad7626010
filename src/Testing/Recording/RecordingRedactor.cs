using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KonPro.Streaming.Testing.Recording;

/// <summary>
/// Keeps every API key, session token and LiveKit token out of a recording. Secrets are found by where they travel
/// (the <c>x-api-key</c> and <c>Authorization</c> headers, the token fields of answers, token-bearing URLs and query
/// parameters), learned, and then every occurrence of a learned secret anywhere in a written text is replaced too.
/// </summary>
internal sealed class RecordingRedactor
{
    /// <summary>What a secret is replaced with; replay hands out a fresh value wherever it appears.</summary>
    public const string Placeholder = "REDACTED";

    /// <summary>What a credential URL (<c>realtime_endpoint</c>: the URL is the credential) is replaced with.</summary>
    public const string PlaceholderUrl = "wss://redacted.invalid/" + Placeholder;

    // Shorter values are too likely to occur by chance (a "1", a word) to be replaced everywhere.
    private const int MinimumSecretLength = 6;

    private static readonly string[] SecretHeaders = ["x-api-key", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"];
    private static readonly string[] SecretFields = ["token", "access_token", "livekit_agent_token", "session_token", "api_key", "x-api-key", "agent_token"];
    private static readonly string[] CredentialUrlFields = ["realtime_endpoint"];
    private static readonly string[] SecretParameters = ["session_token", "token", "access_token", "api_key", "key"];

    // Hop-by-hop and per-answer headers of the recorded answer: replay frames its own answer.
    private static readonly string[] TransportHeaders = ["Transfer-Encoding", "Connection", "Keep-Alive", "Content-Length", "Date"];

    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    // Recordings are meant to be read and edited: keep quotes and non-ASCII text as they are.
    private readonly JsonSerializerOptions _json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly JsonSerializerOptions _indented = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    /// <summary>Remembers a secret so that every later text is cleared of it.</summary>
    public void Learn(string? secret)
    {
        if (secret is null)
        {
            return;
        }

        secret = secret.Trim();
        if (secret.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            secret = secret["Bearer ".Length..].Trim();
        }

        if (secret.Length >= MinimumSecretLength && secret != Placeholder && secret != PlaceholderUrl)
        {
            _secrets.TryAdd(secret, 0);
        }
    }

    /// <summary>Replaces every learned secret in <paramref name="text"/>, longest first.</summary>
    public string Redact(string text)
    {
        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A JSON body (an answer, a chat event): its token fields and token-bearing URLs, then every learned secret.</summary>
    public string RedactBody(string body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Redact(body);
        }

        if (node is null)
        {
            return Redact(body);
        }

        // Re-serialize only when a field changed, so that an answer keeps its exact text otherwise.
        return RedactNode(node) ? Redact(node.ToJsonString(_json)) : Redact(body);
    }

    /// <summary>A URL or a path and query: the values of its token parameters, then every learned secret.</summary>
    public string RedactUrl(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return Redact(url);
        }

        var parts = url[(query + 1)..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && IsOneOf(Uri.UnescapeDataString(parts[i][..equals]), SecretParameters))
            {
                Learn(Uri.UnescapeDataString(parts[i][(equals + 1)..]));
                Learn(parts[i][(equals + 1)..]);
                parts[i] = parts[i][..(equals + 1)] + Placeholder;
            }
        }

        return Redact(url[..(query + 1)] + string.Join('&', parts));
    }

    /// <summary>
    /// A WireMock mapping written by proxy-and-record: learns the credentials of its request headers and drops the header
    /// matchers (replay matches on method, path, query and body, whoever the caller is), redacts token query parameters and
    /// the answer's token fields, then every learned secret anywhere in the file.
    /// </summary>
    /// <param name="mappingJson">The mapping as WireMock wrote it.</param>
    /// <param name="latency">How long the upstream took to answer; replay answers after as long (the mapping's <c>Delay</c>).</param>
    public string RedactMapping(string mappingJson, TimeSpan? latency = null)
    {
        var mapping = JsonNode.Parse(mappingJson)?.AsObject() ?? throw new JsonException("A mapping must be a JSON object.");
        if (mapping["Request"] is JsonObject request)
        {
            if (request["Headers"] is JsonArray headers)
            {
                foreach (var header in headers.OfType<JsonObject>())
                {
                    if (IsOneOf(header["Name"]?.GetValue<string>(), SecretHeaders))
                    {
                        LearnStrings(header);
                    }
                }

                request.Remove("Headers");
            }

            request.Remove("Cookies");
            if (request["Body"] is JsonObject bodyMatchers)
            {
                // A request body may carry a secret too (new's livekit_settings.token): replay redacts incoming bodies alike.
                foreach (var matcher in new[] { bodyMatchers["Matcher"] }.Concat(bodyMatchers["Matchers"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (matcher["Pattern"] is JsonValue pattern && pattern.TryGetValue<string>(out var patternText))
                    {
                        matcher["Pattern"] = RedactBody(patternText);
                    }
                }
            }

            if (request["Params"] is JsonArray parameters)
            {
                foreach (var parameter in parameters.OfType<JsonObject>().Where(p => IsOneOf(p["Name"]?.GetValue<string>(), SecretParameters)))
                {
                    LearnStrings(parameter);
                    ReplaceStrings(parameter, except: "Name");
                }
            }
        }

        if (mapping["Response"] is JsonObject response)
        {
            if (latency is { } took)
            {
                response["Delay"] = (int)Math.Round(took.TotalMilliseconds);
            }

            if (response["Headers"] is JsonObject responseHeaders)
            {
                foreach (var name in responseHeaders.Select(p => p.Key).Where(k => IsOneOf(k, SecretHeaders)).ToList())
                {
                    LearnStrings(responseHeaders[name]);
                    responseHeaders.Remove(name);
                }

                foreach (var name in responseHeaders.Select(p => p.Key).Where(k => IsOneOf(k, TransportHeaders)).ToList())
                {
                    responseHeaders.Remove(name);
                }
            }

            if (response["Body"] is JsonValue body && body.TryGetValue<string>(out var text))
            {
                response["Body"] = RedactBody(text);
            }

            if (response["BodyAsJson"] is { } json)
            {
                RedactNode(json);
            }
        }

        return Redact(mapping.ToJsonString(_indented));
    }

    private bool RedactNode(JsonNode node)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue leaf && leaf.TryGetValue<string>(out var text))
                    {
                        var redacted = IsOneOf(name, SecretFields) ? Placeholder
                            : IsOneOf(name, CredentialUrlFields) ? PlaceholderUrl
                            : text.Contains("://", StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal) ? RedactUrl(text)
                            : text;
                        if (redacted != text)
                        {
                            if (redacted is Placeholder or PlaceholderUrl)
                            {
                                Learn(text);
                            }

                            obj[name] = redacted;
                            changed = true;
                        }
                    }
                    else if (value is not null)
                    {
                        changed |= RedactNode(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>().ToList())
                {
                    changed |= RedactNode(item);
                }

                break;
        }

        return changed;
    }

    private void LearnStrings(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                Learn(text);
                break;
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (name != "Name")
                    {
                        LearnStrings(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    LearnStrings(child);
                }

                break;
        }
    }

    private static void ReplaceStrings(JsonNode? node, string except)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (name == except)
                    {
                        continue;
                    }

                    if (child is JsonValue value && value.TryGetValue<string>(out _))
                    {
                        obj[name] = Placeholder;
                    }
                    else
                    {
                        ReplaceStrings(child, except);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out _))
                    {
                        array[i] = Placeholder;
                    }
                    else
                    {
                        ReplaceStrings(array[i], except);
                    }
                }

                break;
        }
    }

    private static bool IsOneOf(string? name, string[] names) =>
        name is not null && names.Contains(name, StringComparer.OrdinalIgnoreCase);
}
