using KonPro.Streaming.Events;

namespace KonPro.Streaming.Operators;

/// <summary>
/// The barge-in decision of one subscription: which avatar tasks are speaking, and which of them were already
/// interrupted, so the user speaking over the avatar interrupts it at most once per turn.
/// </summary>
internal sealed class BargeInTurns
{
    private readonly List<string> _speaking = [];
    private readonly HashSet<string> _interrupted = new(StringComparer.Ordinal);

    /// <summary>Applies one event; returns the interrupt to make (the task speaking last, and when), or null.</summary>
    public (string? TaskId, DateTimeOffset At)? Decide(StreamingEvent evt)
    {
        var key = evt.TaskId ?? string.Empty;
        switch (evt)
        {
            case AvatarStartTalking:
                if (!_speaking.Contains(key))
                {
                    _speaking.Add(key);
                }

                _interrupted.Remove(key);
                break;
            case AvatarStopTalking:
                if (!_speaking.Remove(key) && evt.TaskId is null)
                {
                    _speaking.Clear();
                }

                _interrupted.Remove(key);
                break;
            case StreamDisconnected:
                _speaking.Clear();
                _interrupted.Clear();
                break;
            case UserStart when _speaking.Count > 0 && !_speaking.TrueForAll(_interrupted.Contains):
                _interrupted.UnionWith(_speaking);
                var task = _speaking[^1];
                return (task.Length == 0 ? null : task, evt.ReceivedAt);
        }

        return null;
    }
}
