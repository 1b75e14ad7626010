using System.Globalization;
using System.Text;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// The envelope scanner (issue 22, item 5) reads the common message by hand and sends anything else to the
/// <see cref="System.Text.Json.Utf8JsonReader"/> pass. Whatever it accepts it must read exactly as the pass reads it, and
/// whatever it does not understand must reach the pass: for every input, <see cref="StreamingEventParser.Parse(ReadOnlySpan{byte}, string, string?, DateTimeOffset, StreamingEventParserCache?, out StreamingEvent?, out string?)"/>
/// says what <see cref="StreamingEventParser.ParseWithReader"/> says (the result, the refused name, the event's type,
/// fields and extra fields, and the task id the connection's cache remembers). The inputs are the messages servers send,
/// the unusual ones, and seeded mutations of both (fixed seeds: the same inputs every run).
/// </summary>
public sealed class EnvelopeScannerAgreementTests
{
    private const int Inputs = 40_000;
    private const string SessionId = "eba59f0d-71f5-11ef-b8af-d2e5560124bc";
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>What servers send: compact, as Python's <c>json.dumps</c> writes it, pretty-printed, in any order.</summary>
    public static TheoryData<string, string> Common => new()
    {
        { """{"event_type":"avatar_start_talking","task_id":"task-6f1c2d3e","session_id":"eba59f0d-71f5-11ef-b8af-d2e5560124bc"}""", "event_type" },
        { """{"event_type":"avatar_talking_message","task_id":"task-6f1c2d3e","message":"Hello there,","session_id":"eba59f0d-71f5-11ef-b8af-d2e5560124bc"}""", "event_type" },
        { """{"event_type": "avatar_talking_message", "task_id": "t-1", "message": "How can I help?", "session_id": "s-2"}""", "event_type" },
        { "{\n  \"event_type\": \"avatar_stop_talking\",\n  \"task_id\": \"t-1\",\r\n  \"duration_ms\": 3120\n}\n", "event_type" },
        { """{"message":"café 😀 ünïcödé","event_type":"user_talking_message","task_id":42}""", "event_type" },
        { """{"type":"user_silence","silence_times":3,"count_down":-15,"task_id":null,"session_id":null}""", "type" },
        { """{"type":"avatar_end_message","task_id":"t-1"}""", "type" },
        { """{"event_type":"user_start"}""", "event_type" },
        { """{"event_type":"user_stop","session_id":"s-1"}""", "event_type" },
        { """{"event_type":"user_end_message","task_id":-0.5e+3}""", "event_type" },
        { """{"event_type":"avatar_talking_message","message":null}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":-9223372036854775808}""", "event_type" },
        { """{"event_type":"avatar_talking_message","message":"" }""", "event_type" },
    };

    /// <summary>What the scanner leaves to the reader: escapes, nesting, duplicates, other types, other names, bad bytes.</summary>
    public static TheoryData<string, string> Unusual => new()
    {
        { """{"event_type":"avatar_start_t\u0061lking","task_id":"t-1"}""", "event_type" },
        { """{"event_type":"user_start","t\u0061sk_id":"t-1"}""", "event_type" },
        { """{"event_type":"avatar_talking_message","message":"say \"hi\"\n"}""", "event_type" },
        { """{"event_type":"avatar_talking_message","message":"\ud83d\ude00"}""", "event_type" },
        { """{"event_type":"avatar_talking_message","message":"\ud800"}""", "event_type" },
        { """{"event_type":"user_start","extra":{"a":[1,2,{"b":null}]}}""", "event_type" },
        { """{"event_type":"user_start","task_id":"a","task_id":"b"}""", "event_type" },
        { """{"event_type":"user_start","event_type":"user_stop"}""", "event_type" },
        { """{"event_type":42,"event_type":"user_stop"}""", "event_type" },
        { """{"event_type":null}""", "event_type" },
        { """{"event_type":"user_start","task_id":true}""", "event_type" },
        { """{"event_type":"user_start","session_id":7}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":3120.5}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":"3120"}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":9223372036854775808}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":1e3}""", "event_type" },
        { """{"event_type":"user_silence","silence_times":2147483648}""", "event_type" },
        { """{"event_type":"user_start","message":"not modeled here"}""", "event_type" },
        { """{"event_type":"avatar_mood_changed","task_id":"t-1"}""", "event_type" },
        { """{"event_type":"stream_ready"}""", "event_type" },
        { """{"type":"stream_disconnected"}""", "type" },
        { """{"type":"user_start"}""", "event_type" },
        { """{"event_type":"user_start"}""", "type" },
        { """{"event_type":"user_start","quality":"GOOD"}""", "event_type" },
        { "{\"event_type\":\"avatar_talking_message\",\"message\":\"tab\there\"}", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":0123}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":-}""", "event_type" },
        { """{"event_type":"avatar_stop_talking","duration_ms":1.}""", "event_type" },
        { """{"event_type":"user_start"} {}""", "event_type" },
        { """{"event_type":"user_start",}""", "event_type" },
        { """{"event_type":"user_start""", "event_type" },
        { """{"event_type":"user_start","task_id":nul}""", "event_type" },
        { """{"event_type":"user_start","task_id":nullx}""", "event_type" },
        { """{"event_type" "user_start"}""", "event_type" },
        { """["event_type","user_start"]""", "event_type" },
        { "\uFEFF{\"event_type\":\"user_start\"}", "event_type" },
        { "{}", "event_type" },
        { string.Empty, "event_type" },
        { new string('[', 5000), "event_type" },
    };

    [Theory]
    [MemberData(nameof(Common))]
    public void Common_messages_are_read_by_the_envelope_scanner_as_the_reader_reads_them(string json, string nameProperty)
    {
        var message = Encoding.UTF8.GetBytes(json);

        StreamingEventParser.IsEnvelope(message, nameProperty).Should().BeTrue();
        Agree(message, nameProperty, new StreamingEventParserCache(), new StreamingEventParserCache()).Should().Be(WireParseResult.Event);
    }

    [Fact]
    public void A_huge_text_is_read_by_the_envelope_scanner_as_the_reader_reads_it()
    {
        var message = Encoding.UTF8.GetBytes("{\"event_type\":\"avatar_talking_message\",\"message\":\"" + new string('x', 1 << 20) + "\u00e9\"}");

        StreamingEventParser.IsEnvelope(message, "event_type").Should().BeTrue();
        Agree(message, "event_type", new StreamingEventParserCache(), new StreamingEventParserCache()).Should().Be(WireParseResult.Event);
    }

    [Theory]
    [MemberData(nameof(Unusual))]
    public void Unusual_messages_go_to_the_reader_and_read_as_before(string json, string nameProperty)
    {
        var message = Encoding.UTF8.GetBytes(json);

        StreamingEventParser.IsEnvelope(message, nameProperty).Should().BeFalse();
        Agree(message, nameProperty, new StreamingEventParserCache(), new StreamingEventParserCache());
    }

    [Theory]
    [InlineData(new byte[] { 0xC3 })] // a lead byte without its continuation
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate
    [InlineData(new byte[] { 0xC0, 0xAF })] // an overlong '/'
    [InlineData(new byte[] { 0xFF })]
    public void Text_that_is_not_UTF8_is_malformed_as_before(byte[] bad)
    {
        byte[] message = [.. "{\"event_type\":\"avatar_talking_message\",\"message\":\"caf"u8, .. bad, .. "\"}"u8];

        StreamingEventParser.IsEnvelope(message, "event_type").Should().BeFalse();
        Agree(message, "event_type", new StreamingEventParserCache(), new StreamingEventParserCache()).Should().Be(WireParseResult.Malformed);
    }

    [Fact]
    public void The_envelope_scanner_agrees_with_the_reader_on_mutated_common_messages()
    {
        var random = new Random(22_0005);
        var scanner = new StreamingEventParserCache();
        var reader = new StreamingEventParserCache();
        var outcomes = new Dictionary<WireParseResult, int>();
        int envelopes = 0, mutatedEnvelopes = 0;

        for (var i = 0; i < Inputs; i++)
        {
            var nameProperty = random.Next(4) == 0 ? "type" : "event_type";
            var original = Envelope(random, nameProperty);
            var message = random.Next(4) == 0 ? original : Mutate(random, original, 1 + random.Next(3));
            if (StreamingEventParser.IsEnvelope(message, nameProperty))
            {
                envelopes++;
                mutatedEnvelopes += message.AsSpan().SequenceEqual(original) ? 0 : 1;
            }

            var outcome = Agree(message, nameProperty, scanner, reader);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        outcomes.Keys.Should().Contain([WireParseResult.Event, WireParseResult.Malformed], "the inputs must reach both outcomes");
        envelopes.Should().BeGreaterThan(Inputs / 8, "the scanner must read a good share of the inputs itself");
        mutatedEnvelopes.Should().BeGreaterThan(Inputs / 50, "some mutations leave a message the scanner still reads");
    }

    [Fact]
    public void The_envelope_scanner_agrees_with_the_reader_on_the_fuzzers_hostile_messages()
    {
        var fuzzer = new EventMessageFuzzer(20261207);
        var scanner = new StreamingEventParserCache();
        var reader = new StreamingEventParserCache();
        var envelopes = 0;

        for (var i = 0; i < Inputs; i++)
        {
            var (message, nameProperty) = fuzzer.Next();
            envelopes += StreamingEventParser.IsEnvelope(message, nameProperty) ? 1 : 0;
            Agree(message, nameProperty, scanner, reader);
        }

        envelopes.Should().BeGreaterThan(Inputs / 100, "the fuzzer's valid messages include envelopes the scanner reads");
    }

    // A message of the shapes servers send: the name and the fields its event models (now and then one it does not),
    // the name first or anywhere, with texts, ids and numbers of every kind the scanner reads; compact or spaced.
    private static byte[] Envelope(Random random, string nameProperty)
    {
        string[] names =
        [
            "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking", "user_start",
            "user_stop", "user_talking_message", "user_end_message", "user_silence",
        ];
        string[] texts = ["Hello there,", "", "caf\u00e9 \U0001F600", "How can I", "x", "a b c d e f g h i j k l m n o p q r s t"];
        string[] ids = ["\"task-a000001\"", "\"task-a000002\"", "\"\"", "null", "42", "-7", "0", "1.5e3"];
        string[] numbers = ["3120", "0", "-1", "-0", "2147483647", "-2147483648", "9223372036854775807", "17"];
        var (colon, comma) = random.Next(3) switch
        {
            0 => (": ", ", "),
            1 => (" :\t", " ,\n"),
            _ => (":", ","),
        };

        var members = new List<string>();
        if (random.Next(3) == 0)
        {
            members.Add($"\"task_id\"{colon}{ids[random.Next(ids.Length)]}");
        }

        if (random.Next(2) == 0)
        {
            members.Add($"\"session_id\"{colon}{(random.Next(4) == 0 ? "\"s-other\"" : random.Next(8) == 0 ? "null" : "\"" + SessionId + "\"")}");
        }

        var name = names[random.Next(names.Length)];
        var payload = name switch
        {
            "avatar_talking_message" or "user_talking_message" => 0,
            "avatar_stop_talking" => 1,
            "user_silence" => 2,
            _ => 3,
        };

        // Now and then a payload the event does not model (an extra field: the reader's).
        switch (random.Next(6) == 0 ? random.Next(4) : payload)
        {
            case 0:
                members.Add($"\"message\"{colon}\"{texts[random.Next(texts.Length)]}\"");
                break;
            case 1:
                members.Add($"\"duration_ms\"{colon}{numbers[random.Next(numbers.Length)]}");
                break;
            case 2:
                members.Add($"\"silence_times\"{colon}{numbers[random.Next(numbers.Length)]}");
                members.Add($"\"count_down\"{colon}{numbers[random.Next(numbers.Length)]}");
                break;
        }

        members.Insert(random.Next(2) == 0 ? 0 : random.Next(members.Count + 1), $"\"{nameProperty}\"{colon}\"{name}\"");
        var json = (random.Next(4) == 0 ? " {" : "{") + string.Join(comma, members) + (random.Next(4) == 0 ? "}\n" : "}");
        return Encoding.UTF8.GetBytes(json);
    }

    // Damage aimed at what the scanner decides on: the bytes that delimit, escape, end strings or numbers, or are not
    // text; members repeated; the message cut short.
    private static byte[] Mutate(Random random, byte[] message, int rounds)
    {
        byte[] pokes =
        [
            (byte)'"', (byte)'\\', (byte)',', (byte)':', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)' ', (byte)'\t', (byte)'\n',
            (byte)'0', (byte)'9', (byte)'-', (byte)'+', (byte)'.', (byte)'e', (byte)'E', (byte)'n', (byte)'u', (byte)'l', (byte)'t',
            0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xFF,
        ];
        var bytes = new List<byte>(message);
        for (var round = 0; round < rounds; round++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = pokes[random.Next(pokes.Length)];
                    break;
                case 1:
                    bytes.Insert(at, pokes[random.Next(pokes.Length)]);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(Math.Min(at, bytes.Count - 1));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4 when bytes.Count > 1:
                    // A member (or any run of bytes) again: duplicate keys, stray commas.
                    var from = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(from, Math.Min(1 + random.Next(40), bytes.Count - from)));
                    break;
                default:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(random.Next(3) switch
                    {
                        0 => "\\u0041",
                        1 => "\\ud800",
                        _ => ",\"extra\":true",
                    }));
                    break;
            }
        }

        return [.. bytes];
    }

    private static WireParseResult Agree(byte[] message, string nameProperty, StreamingEventParserCache scanner, StreamingEventParserCache reader)
    {
        var expected = StreamingEventParser.ParseWithReader(message, nameProperty, SessionId, At, reader, out var expectedEvent, out var expectedName);
        var actual = StreamingEventParser.Parse(message, nameProperty, SessionId, At, scanner, out var actualEvent, out var actualName);

        var input = message.Length > 300 ? $"{message.Length} bytes" : Convert.ToHexString(message) + " " + Encoding.UTF8.GetString(message);
        actual.Should().Be(expected, input);
        actualName.Should().Be(expectedName, input);
        Describe(actualEvent).Should().Be(Describe(expectedEvent), input);
        scanner.LastTaskId.Should().Be(reader.LastTaskId, input);
        return actual;
    }

    // Everything a subscriber can read: the type, every property (the record's own text), the extra fields in order.
    private static string? Describe(StreamingEvent? evt) => evt is null
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{evt.GetType().Name} {evt} session {evt.SessionId} extras [{string.Join(", ", evt.ExtraFields.Select(f => $"{f.Key}={f.Value.ValueKind}:{f.Value.GetRawText()}"))}]");
}
