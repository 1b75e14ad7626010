using System.Runtime.CompilerServices;
using System.Text;

namespace KonPro.Streaming.Speaking;

/// <summary>
/// Cuts a stream of text (for example a language model's tokens) into sentence-sized pieces as it arrives: a piece
/// is given out as soon as its sentence is complete, never longer than the limit of one task.
/// </summary>
public static class SentenceSplitter
{
    /// <summary>
    /// Reads <paramref name="text"/> and yields each sentence as soon as it is complete (its end mark followed by white
    /// space, or a line break or a full-width end mark); a sentence longer than <paramref name="maxLength"/> is cut at
    /// white space (inside a word only as a last resort). Pieces are trimmed and never empty; what is left when the
    /// stream ends is the last piece.
    /// </summary>
    /// <param name="text">The text, in chunks of any size.</param>
    /// <param name="maxLength">The longest piece (default <see cref="SpeakRequest.MaxTextLength"/>).</param>
    /// <param name="cancellationToken">Stops reading (passed on to <paramref name="text"/>).</param>
    /// <returns>The pieces, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is less than 1.</exception>
    public static IAsyncEnumerable<string> SplitAsync(IAsyncEnumerable<string> text, int maxLength = SpeakRequest.MaxTextLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        return SplitCoreAsync(text, maxLength, cancellationToken);
    }

    private static async IAsyncEnumerable<string> SplitCoreAsync(IAsyncEnumerable<string> text, int maxLength, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new StringBuilder();
        await foreach (var chunk in text.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (string.IsNullOrEmpty(chunk))
            {
                continue;
            }

            buffer.Append(chunk);
            while (TakePiece(buffer, maxLength, final: false) is { } piece)
            {
                foreach (var part in SpeakRequest.SplitText(piece, maxLength))
                {
                    yield return part;
                }
            }
        }

        while (TakePiece(buffer, maxLength, final: true) is { } piece)
        {
            foreach (var part in SpeakRequest.SplitText(piece, maxLength))
            {
                yield return part;
            }
        }
    }

    /// <summary>Removes and returns the first complete piece of the buffer, or null when it has none yet.</summary>
    private static string? TakePiece(StringBuilder buffer, int maxLength, bool final)
    {
        while (buffer.Length > 0)
        {
            var end = SentenceEnd(buffer);
            if (end < 0 && buffer.Length > maxLength)
            {
                end = CutPoint(buffer, maxLength);
            }

            if (end < 0 && final)
            {
                end = buffer.Length;
            }

            if (end < 0)
            {
                return null;
            }

            var piece = buffer.ToString(0, end).Trim();
            buffer.Remove(0, end);
            if (piece.Length > 0)
            {
                return piece;
            }
        }

        return null;
    }

    /// <summary>The index just past the first complete sentence (and the white space after it), or -1.</summary>
    private static int SentenceEnd(StringBuilder buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            var c = buffer[i];
            var immediate = c is '\n' or '。' or '！' or '？';
            var needsSpace = c is '.' or '!' or '?';
            if (immediate || (needsSpace && i + 1 < buffer.Length && char.IsWhiteSpace(buffer[i + 1])))
            {
                var end = i + 1;
                while (end < buffer.Length && char.IsWhiteSpace(buffer[end]))
                {
                    end++;
                }

                return end;
            }
        }

        return -1;
    }

    /// <summary>Where to cut a sentence that has grown past the limit: the last white space within it, else the limit.</summary>
    private static int CutPoint(StringBuilder buffer, int maxLength)
    {
        for (var i = maxLength; i > 0; i--)
        {
            if (char.IsWhiteSpace(buffer[i]))
            {
                return i;
            }
        }

        return maxLength;
    }
}
