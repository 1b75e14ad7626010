namespace KonPro.Streaming.Testing;

/// <content>What clients did in the sessions' LiveKit rooms.</content>
public sealed partial class KonProJournal
{
    private readonly List<RoomActivityRecord> _roomActivity = [];

    /// <summary>
    /// Everything clients did in the sessions' rooms so far (joins, leaves, published data and tracks, audio that
    /// arrived), in arrival order. Empty unless the room is enabled.
    /// </summary>
    public IReadOnlyList<RoomActivityRecord> RoomActivity
    {
        get
        {
            lock (_roomActivity)
            {
                return [.. _roomActivity];
            }
        }
    }

    internal void Add(RoomActivityRecord record)
    {
        lock (_roomActivity)
        {
            _roomActivity.Add(record);
        }
    }

    private void ClearRoomActivity()
    {
        lock (_roomActivity)
        {
            _roomActivity.Clear();
        }
    }
}
