using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// Issue 10.1: a seeded fuzz run of the event parser. In the suite it parses 100,000 inputs (a few seconds); set
/// <c>KONPRO_FUZZ_INPUTS</c> (and optionally <c>KONPRO_FUZZ_SEED</c>) for the long run that docs/fuzzing.md records:
/// <c>KONPRO_FUZZ_INPUTS=1000000 dotnet test tests/KonPro.StreamingAvatar.Tests --filter FullyQualifiedName~StreamingEventParserFuzzTests</c>.
/// </summary>
public sealed class StreamingEventParserFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261126;
    private const int DefaultInputs = 100_000;
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void No_exception_escapes_the_parser_for_random_and_mutated_messages()
    {
        var seed = Setting("KONPRO_FUZZ_SEED", DefaultSeed);
        var inputs = Setting("KONPRO_FUZZ_INPUTS", DefaultInputs);
        var fuzzer = new EventMessageFuzzer(seed);
        var cache = new StreamingEventParserCache();
        var escaped = new List<string>();
        int accepted = 0, rejected = 0, escapes = 0;
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < inputs; i++)
        {
            var (message, nameProperty) = fuzzer.Next();
            try
            {
                if (StreamingEventParser.TryParse(message, nameProperty, "s-1", At, cache, out var evt))
                {
                    accepted++;
                    ReadEverything(evt);
                }
                else
                {
                    rejected++;
                }
            }
#pragma warning disable CA1031 // Counting every exception that escapes is the point of the test.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                escapes++;
                if (escaped.Count < 10)
                {
                    escaped.Add($"{ex.GetType().Name}: {ex.Message} for {Convert.ToHexString(message)}");
                }
            }
        }

        clock.Stop();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"event parser fuzz: seed {seed}, {inputs} inputs, {accepted} parsed, {rejected} rejected, {escapes} exceptions escaped, {clock.Elapsed.TotalSeconds:F1} s"));
        escaped.ForEach(output.WriteLine);
        escapes.Should().Be(0, string.Join(Environment.NewLine, escaped));
        (accepted + rejected).Should().Be(inputs);
        accepted.Should().BeGreaterThan(inputs / 20, "the fuzzer must also reach the code that builds events");
        rejected.Should().BeGreaterThan(inputs / 20, "the fuzzer must also reach the code that rejects messages");
    }

    // What a subscriber may do with a delivered event must not throw either: every string in it decodes.
    private static void ReadEverything(StreamingEvent evt)
    {
        _ = evt.ToString();
        foreach (var (name, value) in evt.ExtraFields)
        {
            _ = name.Length;
            Walk(value);
        }

        if (evt is UnknownStreamingEvent unknown)
        {
            _ = unknown.RawJson.Length;
        }
    }

    private static void Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Walk(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }

                break;
        }
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
}
