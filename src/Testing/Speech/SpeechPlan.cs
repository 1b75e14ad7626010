namespace KonPro.Streaming.Testing.Speech;

/// <summary>How a text is spoken: chunks of a few words, each lasting by a words-per-minute model.</summary>
internal sealed class SpeechPlan
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
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var perWordMs = 60_000 / (wordsPerMinute * rate);
        var chunks = new List<(string, TimeSpan)>();
        for (var i = 0; i < words.Length; i += wordsPerChunk)
        {
            var slice = words.Skip(i).Take(wordsPerChunk).ToArray();
            chunks.Add((string.Join(' ', slice), TimeSpan.FromMilliseconds(Math.Round(perWordMs * slice.Length))));
        }

        return new SpeechPlan(chunks);
    }
}
