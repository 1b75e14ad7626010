using System.Text;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Operators;

/// <summary>
/// The turn-assembly logic <c>Utterances</c> and <c>Transcript</c> share: the avatar's open turns by task id, each
/// gathering its <c>avatar_talking_message</c> chunks, taken out when the turn ends or all at once (oldest first)
/// when the stream ends. One instance per subscription; not thread-safe (the source is serialized).
/// </summary>
internal sealed class TurnAssembly
{
    private readonly Dictionary<string, Turn> _open = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastGapEnd;

    /// <summary>The open turn of the event's task, opened at the event's time when there is none.</summary>
    public Turn Get(StreamingEvent evt)
    {
        var key = evt.TaskId ?? string.Empty;
        if (!_open.TryGetValue(key, out var turn))
        {
            turn = new Turn(evt.TaskId, evt.ReceivedAt);
            _open.Add(key, turn);
        }

        return turn;
    }

    /// <summary>
    /// Opens a turn on <c>avatar_start_talking</c> and gathers an <c>avatar_talking_message</c> chunk into its turn;
    /// false for any other event, which the operator handles itself.
    /// </summary>
    public bool TryGather(StreamingEvent evt)
    {
        switch (evt)
        {
            case AvatarStartTalking:
                Get(evt);
                return true;
            case AvatarTalkingMessage message:
                var known = _open.ContainsKey(evt.TaskId ?? string.Empty);
                var turn = Get(evt);
                if (!known && _lastGapEnd is { } gapEnd)
                {
                    // Words of a task whose start did not arrive, after a gap: its beginning was probably in the gap.
                    turn.SpannedGapUntil = gapEnd;
                }

                turn.Append(message.Message);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The chat socket reconnected: every open turn spans the gap (its words may be missing).</summary>
    public void MarkGap(DateTimeOffset gapEnd)
    {
        _lastGapEnd = gapEnd;
        foreach (var turn in _open.Values)
        {
            turn.SpannedGapUntil = gapEnd;
        }
    }

    /// <summary>
    /// Takes out, oldest first, the open turns of other tasks than <paramref name="taskId"/> that spanned a gap: when
    /// the avatar starts a task, such a turn's end was lost in the gap (the avatar speaks one task at a time).
    /// </summary>
    public List<Turn> TakeLostInGap(string? taskId)
    {
        var key = taskId ?? string.Empty;
        var lost = _open.Where(p => p.Value.SpannedGapUntil is not null && !string.Equals(p.Key, key, StringComparison.Ordinal))
            .Select(p => p.Value).OrderBy(t => t.StartedAt).ToList();
        foreach (var turn in lost)
        {
            _open.Remove(turn.TaskId ?? string.Empty);
        }

        return lost;
    }

    /// <summary>Takes the open turn of a task out, if there is one.</summary>
    public bool TryTake(string? taskId, out Turn turn) => _open.Remove(taskId ?? string.Empty, out turn!);

    /// <summary>Takes every open turn out, oldest first.</summary>
    public List<Turn> TakeAll()
    {
        var all = _open.Values.OrderBy(t => t.StartedAt).ToList();
        _open.Clear();
        return all;
    }
}

/// <summary>One turn being assembled: who spoke, since when, the words so far.</summary>
internal sealed class Turn(string? taskId, DateTimeOffset startedAt)
{
    private readonly StringBuilder _text = new();

    public string? TaskId { get; } = taskId;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public bool EndMessageSeen { get; set; }

    /// <summary>The end of the last reconnect gap the turn spanned, or null when it spanned none.</summary>
    public DateTimeOffset? SpannedGapUntil { get; set; }

    public bool MayBeIncomplete => SpannedGapUntil is not null;

    public bool HasText => _text.Length > 0;

    public string Text => _text.ToString();

    /// <summary>
    /// Appends a chunk as it is: the service's chunks carry their own spacing (<c>"Hello from the"</c> +
    /// <c>" browser"</c>), as the official web demo joins them, so a boundary inside a word or in a language written
    /// without spaces gains nothing.
    /// </summary>
    public void Append(string chunk) => _text.Append(chunk);
}
