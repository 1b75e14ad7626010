using System.Globalization;
using System.Text;
using KonPro.Streaming.Tests.Events.Reference;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// The event parser reads each message once (issue 22, item 5); before, one pass validated it and a second read it.
/// The one pass must say exactly what the two passes said, for every input: the same result (event, malformed,
/// refused name), the same event type and fields, the same extra fields in the same order. The two-pass parser is
/// kept unchanged in <see cref="TwoPassReferenceParser"/> and both read the same seeded inputs: the fuzzer's (valid,
/// mutated, random) and messages whose fields come in any order, the name anywhere or more than once.
/// </summary>
public sealed class OnePassParserAgreementTests
{
    private const int Inputs = 40_000;
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly string[] Names =
    [
        "avatar_start_talking", "avatar_talking_message", "avatar_end_message", "avatar_stop_talking", "user_start",
        "user_stop", "user_talking_message", "user_end_message", "user_silence", "stream_ready", "stream_reconnected",
        "avatar_mood_changed", "",
    ];

    private static readonly string[] Fields =
    [
        "task_id", "session_id", "message", "duration_ms", "silence_times", "count_down", "quality", "extra",
        "\\u0074ask_id", "mess\\u0061ge", "event_type", "type",
    ];

    private static readonly string[] Values =
    [
        "\"t-1\"", "\"t-2\"", "\"s-1\"", "\"s-2\"", "\"hello\"", "42", "\"42\"", "-1", "1234.5", "1e400", "9223372036854775808", "null",
        "true", "[]", "{}", "[1,[\"a\",{\"b\":\"c\"}]]", "{\"a\":{\"b\":\"\\ud83d\\ude00\"}}", "\"\\u00e9\\n\"",
        "\"\\ud83d\\ude00\"", "\"t\\u002d1\"", "\"caf\u00e9\"", "\"1200\"",
    ];

    private static readonly string[] Poison = ["\"\\ud800\"", "\"\\udc00x\"", "{\"a\":[\"\\udc00\"]}", "[\"\\ud800\\u0041\"]"];

    [Fact]
    public void The_one_pass_parser_agrees_with_the_two_pass_parser_on_fuzzed_messages()
    {
        var fuzzer = new EventMessageFuzzer(20261207);
        var onePass = new StreamingEventParserCache();
        var twoPass = new ReferenceCache();
        var outcomes = new Dictionary<WireParseResult, int>();

        for (var i = 0; i < Inputs; i++)
        {
            var (message, nameProperty) = fuzzer.Next();
            var outcome = Agree(message, nameProperty, onePass, twoPass);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        outcomes.Keys.Should().Contain([WireParseResult.Event, WireParseResult.Malformed], "the inputs must reach both outcomes");
    }

    [Fact]
    public void The_one_pass_parser_agrees_with_the_two_pass_parser_whatever_the_order_of_the_fields()
    {
        var random = new Random(22_5);
        var onePass = new StreamingEventParserCache();
        var twoPass = new ReferenceCache();
        var outcomes = new Dictionary<WireParseResult, int>();

        for (var i = 0; i < Inputs; i++)
        {
            var nameProperty = random.Next(3) == 0 ? "type" : "event_type";
            var message = Encoding.UTF8.GetBytes(Shuffled(random, nameProperty));
            var outcome = Agree(message, nameProperty, onePass, twoPass);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        outcomes.Keys.Should().Contain(
            [WireParseResult.Event, WireParseResult.Malformed, WireParseResult.ClientEventName],
            "the inputs must reach every outcome");
        outcomes[WireParseResult.Event].Should().BeGreaterThan(Inputs / 4);
    }

    // One object: the name (a string, sometimes another JSON type first, sometimes twice) anywhere among up to six
    // fields in any order; now and then a string no text can be, anywhere.
    private static string Shuffled(Random random, string nameProperty)
    {
        var members = new List<string>();
        for (var n = random.Next(7); n > 0; n--)
        {
            members.Add($"\"{Pick(random, Fields)}\":{Pick(random, Values)}");
        }

        if (random.Next(10) != 0)
        {
            members.Insert(random.Next(members.Count + 1), $"\"{nameProperty}\":\"{Pick(random, Names)}\"");
        }

        if (random.Next(6) == 0)
        {
            members.Insert(random.Next(members.Count + 1), $"\"{nameProperty}\":{Pick(random, Values)}");
        }

        if (random.Next(12) == 0)
        {
            members.Insert(random.Next(members.Count + 1), $"\"{Pick(random, Fields)}\":{Pick(random, Poison)}");
        }

        return "{" + string.Join(",", members) + "}" + (random.Next(40) == 0 ? " {}" : string.Empty);
    }

    private static WireParseResult Agree(byte[] message, string nameProperty, StreamingEventParserCache onePass, ReferenceCache twoPass)
    {
        var expected = TwoPassReferenceParser.Parse(message, nameProperty, "s-1", At, twoPass, out var expectedEvent, out var expectedName);
        var actual = StreamingEventParser.Parse(message, nameProperty, "s-1", At, onePass, out var actualEvent, out var actualName);

        var input = Encoding.UTF8.GetString(message);
        actual.Should().Be(expected, input);
        actualName.Should().Be(expectedName, input);
        Describe(actualEvent).Should().Be(Describe(expectedEvent), input);
        return actual;
    }

    // Everything a subscriber can read: the type, every property (the record's own text), the extra fields in order.
    private static string? Describe(StreamingEvent? evt) => evt is null
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{evt.GetType().Name} {evt} extras [{string.Join(", ", evt.ExtraFields.Select(f => $"{f.Key}={f.Value.ValueKind}:{f.Value.GetRawText()}"))}]");

    private static string Pick(Random random, string[] from) => from[random.Next(from.Length)];
}
