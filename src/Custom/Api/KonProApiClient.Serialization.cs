using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KonPro.Streaming.Api;

/// <summary>
/// The REST client of the KonPro Streaming Avatar API, generated from <c>openapi/konpro-streaming.yaml</c>: one method
/// per operation, each answering the operation's success body or throwing <see cref="ApiException"/> (with the error
/// envelope as <see cref="ApiException{TResult}.Result"/> when it could be read). Most applications use the SDK's
/// <c>StreamingAvatar</c> and <c>KonProAdminClient</c>, which add credentials, retries and telemetry around it.
/// </summary>
// CUSTOM: adapts the generated client's JSON settings to what KonPro servers send and accept.
public partial class KonProApiClient
{
    /// <summary>
    /// Runs on each request just before it is sent. The SDK puts its credential here, so that secrets never land on
    /// the <c>DefaultRequestHeaders</c> of an <see cref="HttpClient"/> that other clients of the process share.
    /// </summary>
    // CUSTOM: the generated client has no per-request hook that callers can set; PrepareRequest is its partial seam.
    public Action<HttpRequestMessage>? RequestPreparer { get; set; }

    partial void PrepareRequest(HttpClient client, HttpRequestMessage request, string url) => RequestPreparer?.Invoke(request);

    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings)
    {
        // CUSTOM: an absent optional field takes its server default; null would be a different request.
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // CUSTOM: older deployments send the envelope code as a string ("SUCCESS", "100").
        settings.Converters.Add(new LenientInt32Converter());
        // CUSTOM: a required field sent as null is an incomplete answer, not a result with a null inside (the
        // generated DTOs mark required fields [JsonRequired] through src/Generated/Templates, so absent ones fail too).
        settings.RespectNullableAnnotations = true;
        // CUSTOM: source-generated metadata for the API's bodies (KonProJsonContext) and nothing else: no reflection, so
        // the client trims and compiles ahead of time without warnings (a body type missing from the context fails
        // every call that uses it, which the wire tests would show at once).
        settings.TypeInfoResolver = KonProJsonContext.Default.WithAddedModifier(FreshStackConverter.Modify);
    }
}

/// <summary>
/// Reads a 32-bit integer written as a JSON number or as a string. Older KonPro deployments send the
/// envelope <c>code</c> as <c>"SUCCESS"</c> (read as 100) or as a numeric string; any other string reads as 0,
/// which is never a success code.
/// </summary>
internal sealed class LenientInt32Converter : JsonConverter<int>
{
    /// <summary>The envelope code of a successful call.</summary>
    public const int SuccessCode = 100;

    /// <inheritdoc />
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt32(out var number) ? number : (int)reader.GetDouble();
            case JsonTokenType.String:
                var text = reader.GetString();
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }

                return string.Equals(text, "SUCCESS", StringComparison.OrdinalIgnoreCase) ? SuccessCode : 0;
            default:
                throw new JsonException($"Expected a number or a string, found {reader.TokenType}.");
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }
}
