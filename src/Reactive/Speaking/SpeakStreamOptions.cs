namespace KonPro.Streaming.Speaking;

/// <summary>How a stream of text is spoken (see <c>StreamingAvatar.SpeakAsync(IAsyncEnumerable&lt;string&gt;, ...)</c>).</summary>
public sealed class SpeakStreamOptions
{
    /// <summary>The task type of each piece: <see cref="TaskType.Repeat"/> (the default) says the text as it is.</summary>
    public TaskType TaskType { get; set; } = TaskType.Repeat;

    /// <summary>The longest piece, 1 to <see cref="SpeakRequest.MaxTextLength"/> (the default).</summary>
    public int MaxPieceLength { get; set; } = SpeakRequest.MaxTextLength;

    internal void Validate()
    {
        if (MaxPieceLength is < 1 or > SpeakRequest.MaxTextLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPieceLength), MaxPieceLength, $"{nameof(MaxPieceLength)} must be between 1 and {SpeakRequest.MaxTextLength}.");
        }

        if (!Enum.IsDefined(TaskType))
        {
            throw new ArgumentOutOfRangeException(nameof(TaskType), TaskType, $"{nameof(TaskType)} must be Repeat or Talk.");
        }
    }
}
