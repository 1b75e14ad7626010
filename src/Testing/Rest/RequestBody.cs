using System.Text;
using System.Text.Json;
using WireMock;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// A request's JSON body, parsed once from the bytes as sent: either the object, or the validation error that the
/// endpoint answers when it reads the body (after faults and authentication, as before).
/// </summary>
internal sealed class RequestBody
{
    private readonly JsonElement? _value;
    private readonly RestError? _error;

    private RequestBody(ReadOnlyMemory<byte> bytes, JsonElement? value, RestError? error)
    {
        Bytes = bytes;
        _value = value;
        _error = error;
    }

    /// <summary>The body's bytes as sent.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The body's <c>session_id</c> when the body parsed and has one (for faults and the journal).</summary>
    public string? SessionId => JsonFields.TryGetSessionId(_value);

    /// <summary>Whether the body parsed as a JSON object.</summary>
    public bool IsValid => _value is not null;

    /// <summary>The parsed object; throws the body's <c>VALIDATION_ERROR</c> when it did not parse.</summary>
    public JsonElement Value => _value ?? throw _error!;

    public static RequestBody From(IRequestMessage request)
    {
        var bytes = ReadBytes(request);
        try
        {
            return new RequestBody(bytes, JsonFields.ParseObject(bytes), null);
        }
        catch (RestError error)
        {
            return new RequestBody(bytes, null, error);
        }
    }

    // A large body reached WireMock as a prefix only (so its request log stays small); the whole body waits beside it.
    private static byte[] ReadBytes(IRequestMessage request) =>
        RequestLimits.FullBody
        ?? request.BodyData?.BodyAsBytes
        ?? (request.Body is { } text ? Encoding.UTF8.GetBytes(text) : []);
}
