using System.Globalization;
using System.Text;

namespace KonPro.Streaming;

/// <summary>What the avatar should say, and how.</summary>
public sealed class SpeakRequest
{
    /// <summary>
    /// The most characters one task (or typed message) may carry, counted as Unicode scalar values (code points): a
    /// letter, a CJK character or an emoji such as U+1F600 is one, although the emoji takes
    /// two UTF-16 <see cref="char"/>s; an emoji built of several code points (a flag, a skin tone, a family) counts
    /// each of them.
    /// </summary>
    public const int MaxTextLength = 1000;

    /// <summary>
    /// The text: at most <see cref="MaxTextLength"/> code points (see <see cref="SplitText"/>), with at least one
    /// visible character (text made only of white space, zero-width or formatting characters is rejected), and valid
    /// Unicode (an unpaired UTF-16 surrogate is rejected, not sent as U+FFFD). Checked before anything is sent, with an
    /// <see cref="ArgumentException"/> naming <c>request.Text</c>.
    /// </summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>Whether the avatar repeats the text or answers it (<see cref="TaskType.Talk"/> by default). Always sent.</summary>
    public TaskType TaskType { get; set; } = TaskType.Talk;

    /// <summary>Whether the call returns when speaking ends (<see cref="TaskMode.Sync"/>, the default) or when the task is queued. Always sent.</summary>
    public TaskMode TaskMode { get; set; } = TaskMode.Sync;

    /// <summary>
    /// Splits a long text into pieces of at most <paramref name="maxLength"/> characters (code points, as
    /// <see cref="MaxTextLength"/> counts them), at sentence ends where possible, then at white space, and only as a
    /// last resort inside a word, between two user-perceived characters (never inside a surrogate pair, and inside an
    /// emoji sequence only when it alone is longer than the limit). Each piece is trimmed and none is empty.
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
        var currentLength = 0;
        foreach (var sentence in Sentences(text))
        {
            var length = CodePoints(sentence);
            if (currentLength + length <= maxLength)
            {
                current.Append(sentence);
                currentLength += length;
                continue;
            }

            Flush(current, pieces);
            currentLength = 0;
            if (length <= maxLength)
            {
                current.Append(sentence);
                currentLength = length;
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
        while (CodePoints(rest.Span) > maxLength)
        {
            // One code point past the limit, so that a space right after a full piece is found.
            var window = rest.Span[..IndexAfter(rest.Span, maxLength + 1)];
            var cut = window.LastIndexOfAny(' ', '\t', '\n');
            if (cut <= 0)
            {
                var limit = IndexAfter(rest.Span, maxLength);
                var boundary = LastTextElementBoundary(rest.Span, limit);
                cut = boundary > 0 ? boundary : limit;
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

    // Code points: a surrogate pair is one, anything else (an unpaired surrogate too) one per char.
    private static int CodePoints(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    // The char index just after the first `codePoints` code points (the whole length when there are fewer).
    private static int IndexAfter(ReadOnlySpan<char> text, int codePoints)
    {
        var i = 0;
        for (var n = 0; n < codePoints && i < text.Length; n++)
        {
            i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        }

        return i;
    }

    // The last boundary between user-perceived characters (grapheme clusters) at or before `index`.
    private static int LastTextElementBoundary(ReadOnlySpan<char> text, int index)
    {
        var boundary = 0;
        while (boundary < index)
        {
            var next = boundary + StringInfo.GetNextTextElementLength(text[boundary..]);
            if (next > index)
            {
                break;
            }

            boundary = next;
        }

        return boundary;
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
