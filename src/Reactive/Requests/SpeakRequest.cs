using System.Text;

namespace KonPro.StreamingAvatar;

/// <summary>What the avatar should say, and how.</summary>
public sealed class SpeakRequest
{
    /// <summary>The most characters one task may carry.</summary>
    public const int MaxTextLength = 1000;

    /// <summary>The text: not empty, at most <see cref="MaxTextLength"/> characters (see <see cref="SplitText"/>).</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Whether the avatar repeats the text or answers it (<see cref="TaskType.Talk"/> by default). Always sent.</summary>
    public TaskType TaskType { get; set; } = TaskType.Talk;

    /// <summary>Whether the call returns when speaking ends (<see cref="TaskMode.Sync"/>, the default) or when the task is queued. Always sent.</summary>
    public TaskMode TaskMode { get; set; } = TaskMode.Sync;

    /// <summary>
    /// Splits a long text into pieces of at most <paramref name="maxLength"/> characters, at sentence ends where
    /// possible, then at white space, and only as a last resort inside a word. Each piece is trimmed and none is empty.
    /// </summary>
    /// <param name="text">The text to split.</param>
    /// <param name="maxLength">The longest piece (default <see cref="MaxTextLength"/>).</param>
    /// <returns>The pieces, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    public static IReadOnlyList<string> SplitText(string text, int maxLength = MaxTextLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);

        var pieces = new List<string>();
        var current = new StringBuilder();
        foreach (var sentence in Sentences(text))
        {
            if (current.Length + sentence.Length <= maxLength)
            {
                current.Append(sentence);
                continue;
            }

            Flush(current, pieces);
            if (sentence.Length <= maxLength)
            {
                current.Append(sentence);
                continue;
            }

            foreach (var part in SplitLongSentence(sentence, maxLength))
            {
                pieces.Add(part);
            }
        }

        Flush(current, pieces);
        return pieces;
    }

    private static IEnumerable<string> Sentences(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var isEnd = c is '.' or '!' or '?' or '。' or '！' or '？' or '\n';
            if (isEnd && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || c is '。' or '！' or '？' or '\n'))
            {
                var end = i + 1;
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }

                yield return text[start..end];
                start = end;
                i = end - 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static IEnumerable<string> SplitLongSentence(string sentence, int maxLength)
    {
        var rest = sentence.AsMemory().Trim();
        while (rest.Length > maxLength)
        {
            var window = rest.Span[..(maxLength + 1)];
            var cut = window.LastIndexOfAny(' ', '\t', '\n');
            if (cut <= 0)
            {
                cut = maxLength;
            }

            var piece = rest[..cut].Trim();
            if (piece.Length > 0)
            {
                yield return piece.ToString();
            }

            rest = rest[cut..].Trim();
        }

        if (rest.Length > 0)
        {
            yield return rest.ToString();
        }
    }

    private static void Flush(StringBuilder current, List<string> pieces)
    {
        var piece = current.ToString().Trim();
        if (piece.Length > 0)
        {
            pieces.Add(piece);
        }

        current.Clear();
    }
}
