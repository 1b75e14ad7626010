using System.Text;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// Makes hostile event messages from a seed: valid messages of every kind, the same mutated (bytes flipped,
/// inserted, deleted, truncated, spliced; lone surrogate escapes, invalid UTF-8, huge numbers, deep nesting), and
/// random bytes or random JSON tokens. The same seed gives the same inputs.
/// </summary>
internal sealed class EventMessageFuzzer
{
    private static readonly string[] Names =
    [
        "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking", "user_start",
        "user_stop", "user_talking_message", "user_end_message", "user_silence", "stream_ready", "stream_disconnected",
        "connection_quality_changed", "avatar_mood_changed", "",
    ];

    private static readonly string[] Fields =
    [
        "task_id", "session_id", "message", "duration_ms", "silence_times", "count_down", "quality", "reason",
        "close_status", "close_description", "extra", "\\u0074ask_id",
    ];

    private static readonly string[] Values =
    [
        "\"t-1\"", "\"hello there\"", "42", "-1", "0", "1234.5", "1e400", "-1e400", "9223372036854775808",
        "null", "true", "false", "\"GOOD\"", "\"IdleTimeout\"", "[]", "{}", "[1,[2,[3]]]", "{\"a\":{\"b\":\"c\"}}",
        "\"\\u00e9\\n\\t\\\"\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00\"", "\"caf\u00e9 \U0001F600\"",
        "\"" + new string('x', 300) + "\"", "1" + new string('0', 400),
    ];

    private static readonly string[] Snippets =
    [
        "\\ud800", "\\udc00", "\\udbff\\udfff", "\\ud83d", "\\u0000", "\\u00", "\\", "\"", "{", "}", "[", "]", ",", ":",
        "1e999", "-0.0e-0", "null", "\"event_type\":", "\"type\":", "\"message\":\"", "\\/", "\\x", "\u0001",
    ];

    private static readonly byte[] OddBytes = [0x00, 0x80, 0xBF, 0xC0, 0xC1, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xF8, 0xFE, 0xFF];

    private readonly Random _random;

    public EventMessageFuzzer(int seed) => _random = new Random(seed);

    /// <summary>The next input, and which name property to parse it with.</summary>
    public (byte[] Message, string NameProperty) Next()
    {
        var nameProperty = _random.Next(4) == 0 ? "type" : "event_type";
        var message = _random.Next(10) switch
        {
            0 => RandomBytes(),
            1 => Encoding.UTF8.GetBytes(TokenSoup()),
            2 => Encoding.UTF8.GetBytes(Valid(nameProperty)),
            _ => Mutate(Encoding.UTF8.GetBytes(Valid(nameProperty)), 1 + _random.Next(4)),
        };
        return (message, nameProperty);
    }

    private string Valid(string nameProperty)
    {
        var builder = new StringBuilder("{");
        builder.Append('"').Append(nameProperty).Append("\":\"").Append(Pick(Names)).Append('"');
        for (var i = _random.Next(5); i > 0; i--)
        {
            builder.Append(",\"").Append(Pick(Fields)).Append("\":").Append(Pick(Values));
        }

        return builder.Append('}').ToString();
    }

    private byte[] Mutate(byte[] message, int rounds)
    {
        var bytes = new List<byte>(message);
        for (var round = 0; round < rounds; round++)
        {
            var at = bytes.Count == 0 ? 0 : _random.Next(bytes.Count + 1);
            switch (_random.Next(9))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, Pick(OddBytes));
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(1 + _random.Next(8), bytes.Count - Math.Min(at, bytes.Count - 1)));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Pick(Snippets)));
                    break;
                case 5:
                    // Inside a string, where most of the damage is done.
                    var quote = bytes.IndexOf((byte)'"', Math.Min(at, bytes.Count));
                    bytes.InsertRange(quote < 0 ? at : quote + 1, Encoding.UTF8.GetBytes(Pick(Snippets)));
                    break;
                case 6:
                    var depth = _random.Next(2) == 0 ? 1 + _random.Next(70) : 1 + _random.Next(5000);
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(new string(_random.Next(2) == 0 ? '[' : '{', depth)));
                    break;
                case 7 when bytes.Count > 1:
                    var from = _random.Next(bytes.Count);
                    var length = Math.Min(1 + _random.Next(32), bytes.Count - from);
                    bytes.InsertRange(at, bytes.GetRange(from, length));
                    break;
                default:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Valid(_random.Next(2) == 0 ? "type" : "event_type")));
                    break;
            }
        }

        return [.. bytes];
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(64)];
        _random.NextBytes(bytes);
        if (bytes.Length > 0 && _random.Next(2) == 0)
        {
            bytes[0] = (byte)'{';
        }

        return bytes;
    }

    private string TokenSoup()
    {
        var builder = new StringBuilder(_random.Next(2) == 0 ? "{" : string.Empty);
        for (var i = _random.Next(12); i > 0; i--)
        {
            builder.Append(_random.Next(3) switch
            {
                0 => Pick(Snippets),
                1 => Pick(Values),
                _ => "\"" + Pick(Fields) + "\"",
            });
        }

        return builder.ToString();
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
