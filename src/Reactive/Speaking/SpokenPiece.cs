namespace KonPro.Streaming.Speaking;

/// <summary>One sentence-sized piece of a spoken text stream, sent as its own task.</summary>
/// <param name="Index">Its position in the stream, from 0.</param>
/// <param name="Text">Its text (at most <see cref="SpeakRequest.MaxTextLength"/> characters).</param>
/// <param name="Handle">The task that speaks it.</param>
public sealed record SpokenPiece(int Index, string Text, SpeakHandle Handle);

/// <summary>The end of a spoken text stream.</summary>
/// <param name="Outcome">
/// <see cref="SpeakOutcome.Completed"/> when the stream ended and every piece was spoken;
/// <see cref="SpeakOutcome.Interrupted"/> when a piece was interrupted or the caller cancelled the stream;
/// <see cref="SpeakOutcome.SessionClosed"/> when the session ended first.
/// </param>
/// <param name="Pieces">Every piece that was sent, in order.</param>
/// <param name="SpokenPieces">The text of the pieces the avatar began to say, in order (what the listener heard, at least in part).</param>
/// <param name="Error">Why the stream stopped early (the text source threw, or a task was refused), or null.</param>
public sealed record StreamSpeakResult(SpeakOutcome Outcome, IReadOnlyList<SpokenPiece> Pieces, IReadOnlyList<string> SpokenPieces, Exception? Error)
{
    /// <summary>The pieces the avatar began to say, joined by single spaces.</summary>
    public string SpokenText => string.Join(' ', SpokenPieces);

    // CUSTOM: the compiler's record printer shows a list as its type name; this prints the pieces themselves.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Outcome = ").Append(Outcome)
            .Append(", Pieces = [").AppendJoin(", ", Pieces.Select(piece => $"#{piece.Index} \"{piece.Text}\""))
            .Append("], SpokenPieces = [").AppendJoin(", ", SpokenPieces.Select(text => $"\"{text}\""))
            .Append("], Error = ").Append(Error?.Message);
        return true;
    }
}
