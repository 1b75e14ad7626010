using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// A LiveKit access token: an HS256 JWT whose <c>iss</c> is the API key name, <c>sub</c> the participant's identity,
/// and <c>video</c> the grant to join one room (publish, subscribe, publish data). The room checks it with the secret.
/// </summary>
internal static class LiveKitAccessToken
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}""");

    public static string Create(string issuer, byte[] secret, string identity, string room, DateTimeOffset now, TimeSpan validFor)
    {
        using var payload = new MemoryStream();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("iss", issuer);
            json.WriteString("sub", identity);
            json.WriteString("name", identity);
            json.WriteString("jti", identity);
            json.WriteNumber("nbf", now.ToUnixTimeSeconds() - 1);
            json.WriteNumber("exp", (now + validFor).ToUnixTimeSeconds());
            json.WriteStartObject("video");
            json.WriteString("room", room);
            json.WriteBoolean("roomJoin", true);
            json.WriteBoolean("canPublish", true);
            json.WriteBoolean("canSubscribe", true);
            json.WriteBoolean("canPublishData", true);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(Header) + "." + Base64Url.EncodeToString(payload.ToArray());
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
