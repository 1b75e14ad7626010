using System.Text;

namespace KonPro.Benchmarks.Micro;

/// <summary>What the talking messages of <see cref="EventMessages"/> say.</summary>
internal enum TextMix
{
    /// <summary>
    /// Varied speech (the default): the avatar's chunks are 1 to 3 words (40 %, 35 %, 25 %) and the user's message 2 to
    /// 6 words, drawn with a fixed seed from 240 common English words by Zipf's law (the k-th most common word k times
    /// rarer than the first), capitalized after a full stop, some chunks ending in a comma or a full stop. Short
    /// chunks of common words repeat, as in real speech; longer ones rarely do.
    /// </summary>
    Speech,

    /// <summary>No text ever repeats: the speech mix with a number of its own in every message (the worst case for any reuse of text).</summary>
    Unique,

    /// <summary>
    /// The mix before issue 22's item 5: the same five avatar chunks and the same user message in every round. Every
    /// text repeats, so a cache of texts would look free: kept only to compare with earlier figures.
    /// </summary>
    Demo,
}

/// <summary>A realistic mix of chat-socket event messages, as the UTF-8 bytes the socket delivers.</summary>
internal static class EventMessages
{
    /// <summary>The session id every message carries.</summary>
    public const string SessionId = "eba59f0d-71f5-11ef-b8af-d2e5560124bc";

    /// <summary>Messages per round (one avatar turn and one user turn).</summary>
    public const int PerRound = 12;

    // The most common words of spoken English, roughly in order (rank decides frequency in TextMix.Speech).
    private static readonly string[] Words =
    [
        "the", "I", "you", "and", "it", "a", "to", "that", "of", "is", "in", "we", "so", "can", "for", "this", "what", "do", "be", "have",
        "on", "with", "your", "yeah", "not", "are", "but", "know", "just", "like", "they", "there", "if", "me", "was", "my", "at", "get", "all", "about",
        "one", "think", "will", "here", "right", "how", "go", "well", "okay", "would", "or", "help", "some", "out", "now", "time", "more", "want", "need", "today",
        "make", "see", "good", "from", "up", "people", "really", "then", "also", "could", "work", "way", "our", "any", "us", "thing", "look", "let", "say", "great",
        "because", "an", "new", "by", "which", "first", "take", "as", "these", "day", "sure", "other", "much", "use", "very", "back", "account", "order", "question", "thanks",
        "please", "find", "give", "last", "tell", "try", "start", "call", "change", "set", "show", "plan", "price", "team", "product", "service", "next", "week", "year", "number",
        "check", "send", "email", "support", "update", "online", "store", "payment", "delivery", "issue", "easy", "quick", "best", "free", "open", "close", "include", "offer", "option", "feature",
        "hello", "welcome", "morning", "afternoon", "evening", "happy", "glad", "sorry", "exactly", "absolutely", "maybe", "probably", "usually", "already", "still", "again", "always", "never", "often", "soon",
        "meeting", "schedule", "calendar", "report", "project", "document", "file", "folder", "setting", "profile", "password", "login", "screen", "button", "page", "link", "message", "note", "list", "detail",
        "customer", "member", "manager", "agent", "system", "process", "request", "answer", "problem", "solution", "reason", "result", "example", "minute", "hour", "moment", "second", "step", "part", "place",
        "weather", "travel", "flight", "hotel", "ticket", "booking", "room", "city", "country", "language", "music", "movie", "book", "game", "sport", "health", "doctor", "food", "coffee", "dinner",
        "understand", "remember", "explain", "describe", "recommend", "compare", "choose", "prefer", "suggest", "imagine", "consider", "decide", "expect", "manage", "improve", "finish", "continue", "return", "receive", "pay",
    ];

    private static readonly double[] Cumulative = BuildZipf(Words.Length);

    /// <summary>
    /// <paramref name="rounds"/> rounds of one avatar turn and one user turn (mostly talking-message chunks, as a
    /// real session sends), each with task ids of its own, so that once-per-task events are
    /// not duplicates of an earlier round (as in a real session). The texts follow <paramref name="mix"/>.
    /// </summary>
    public static byte[][][] Rounds(int rounds, TextMix mix = TextMix.Speech)
    {
        var random = new Random(22);
        var capital = true;
        return Enumerable.Range(0, rounds).Select(round => Build(round, mix, random, ref capital)).ToArray();
    }

    /// <summary>
    /// The id of the avatar's task in each of <paramref name="rounds"/> rounds (the one a speak call would have started; the
    /// user's turn is never one), each a string of its own, as a speak call's REST answer gives it.
    /// </summary>
    public static string[] AvatarTaskIds(int rounds) => [.. Enumerable.Range(0, rounds).Select(AvatarTaskId)];

    /// <summary>The average UTF-8 length of the talking messages' texts, and how many of them are distinct.</summary>
    public static (double AverageBytes, int Distinct, int Total) TextStatistics(byte[][][] rounds)
    {
        var texts = rounds.SelectMany(r => r).Select(m => System.Text.Json.JsonDocument.Parse(m))
            .Where(d => d.RootElement.TryGetProperty("message", out _)).Select(d => d.RootElement.GetProperty("message").GetString()!).ToList();
        return (texts.Average(t => Encoding.UTF8.GetByteCount(t)), texts.Distinct(StringComparer.Ordinal).Count(), texts.Count);
    }

    private static byte[][] Build(int round, TextMix mix, Random random, ref bool capital)
    {
        const string session = SessionId;
        string[] chunks;
        string user;
        if (mix == TextMix.Demo)
        {
            chunks = ["Hello there,", "welcome to the", "KonPro demo.", "How can I", "help you today?"];
            user = "What can you do?";
        }
        else
        {
            chunks = new string[5];
            for (var i = 0; i < chunks.Length; i++)
            {
                var p = random.NextDouble();
                chunks[i] = Chunk(random, p < 0.40 ? 1 : p < 0.75 ? 2 : 3, ref capital);
            }

            var userCapital = true;
            user = Chunk(random, random.Next(2, 7), ref userCapital);
            if (mix == TextMix.Unique)
            {
                for (var i = 0; i < chunks.Length; i++)
                {
                    chunks[i] += $" {round * 8 + i}";
                }

                user += $" {round * 8 + 7}";
            }
        }

        var messages = new List<string>
        {
            $$"""{"event_type":"avatar_start_talking","task_id":"task-6f1c2d3e","session_id":"{{session}}"}""",
        };
        messages.AddRange(chunks.Select(chunk =>
            $$"""{"event_type":"avatar_talking_message","task_id":"task-6f1c2d3e","message":"{{chunk}}","session_id":"{{session}}"}"""));
        messages.Add($$"""{"event_type":"avatar_end_message","task_id":"task-6f1c2d3e","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"avatar_stop_talking","task_id":"task-6f1c2d3e","duration_ms":3120,"session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_start","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_stop","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_talking_message","task_id":"task-70a1b2c3","message":"{{user}}","session_id":"{{session}}"}""");
        messages.Add($$"""{"event_type":"user_end_message","task_id":"task-70a1b2c3","session_id":"{{session}}"}""");
        return messages
            .Select(m => m.Replace("task-6f1c2d3e", AvatarTaskId(round), StringComparison.Ordinal)
                .Replace("task-70a1b2c3", $"task-u{round:x6}", StringComparison.Ordinal))
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();
    }

    private static string AvatarTaskId(int round) => $"task-a{round:x6}";

    // Words by Zipf's law; a chunk may end a clause (a comma, 10 %) or a sentence (a full stop, 12 %).
    private static string Chunk(Random random, int words, ref bool capital)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            var at = Array.BinarySearch(Cumulative, random.NextDouble());
            var word = Words[at < 0 ? ~at : at];
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(capital ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            capital = false;
        }

        var end = random.NextDouble();
        if (end < 0.10)
        {
            text.Append(',');
        }
        else if (end < 0.22)
        {
            text.Append('.');
            capital = true;
        }

        return text.ToString();
    }

    private static double[] BuildZipf(int count)
    {
        var weights = Enumerable.Range(1, count).Select(rank => 1.0 / rank).ToArray();
        var total = weights.Sum();
        var cumulative = new double[count];
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += weights[i] / total;
            cumulative[i] = sum;
        }

        cumulative[^1] = 1.0;
        return cumulative;
    }
}
