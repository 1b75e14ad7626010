using System.Text.RegularExpressions;

namespace KonPro.Streaming.Testing.Speech;

/// <summary>
/// How a text is spoken: chunks of a few words, each lasting by a words-per-minute model. Like the service's
/// <c>avatar_talking_message</c> chunks, each carries its own spacing: a chunk after the first starts with the
/// whitespace that preceded its first word, so the chunks joined verbatim give the text (without surrounding
/// whitespace): <c>"Hello from the"</c> + <c>" browser"</c>.
/// </summary>
internal sealed partial class SpeechPlan
{
    private SpeechPlan(IReadOnlyList<(string Text, TimeSpan Duration)> chunks)
    {
        Chunks = chunks;
        Total = chunks.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Duration);
    }

    public IReadOnlyList<(string Text, TimeSpan Duration)> Chunks { get; }

    public TimeSpan Total { get; }

    public static SpeechPlan For(string text, double wordsPerMinute, double rate, int wordsPerChunk)
    {
        var words = Word().Matches(text);
        var perWordMs = 60_000 / (wordsPerMinute * rate);
        var chunks = new List<(string, TimeSpan)>();
        for (var i = 0; i < words.Count; i += wordsPerChunk)
        {
            var count = Math.Min(wordsPerChunk, words.Count - i);
            var start = i == 0 ? words[0].Index : words[i - 1].Index + words[i - 1].Length;
            var last = words[i + count - 1];
            chunks.Add((text[start..(last.Index + last.Length)], TimeSpan.FromMilliseconds(Math.Round(perWordMs * count))));
        }

        return new SpeechPlan(chunks);
    }

    [GeneratedRegex(@"\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
