using System.Text;

namespace KonPro.Streaming.Events;

/// <summary>
/// The ids of the last few tasks this client started (the task id each speak call got in its REST answer), so that the
/// parsers of the session's channels give those tasks' events that very string instead of a new one made from the wire
/// bytes. A ring of <see cref="Capacity"/> references: the speak calls write (any thread, one interlocked step and one
/// reference write each), the receive loops read (no lock, no interlocked step); an id is held until
/// <see cref="Capacity"/> later speaks overwrite its slot, and nothing else is held.
/// </summary>
/// <remarks>
/// The parser asks only when an event's task id is not the one its connection saw last (a new task), so the events of
/// one task ask once. A slot read while a speak writes it is the old id or the new one, each a whole string, and an id is
/// given out only when its text is the wire's, so a race can cost a reuse, never a wrong id. Task ids are ASCII: the
/// comparison is of the wire's bytes with the id's characters, without transcoding; an id with a character from U+0080
/// up never matches (its events get a string of their own, as before).
/// </remarks>
internal sealed class SpokenTaskIds
{
    /// <summary>How many ids are kept: more than the tasks a session queues before their first event in practice.</summary>
    internal const int Capacity = 8;

    private readonly string?[] _ids = new string?[Capacity];
    private int _next = -1;

    /// <summary>Remembers <paramref name="taskId"/>, the id a speak call got, in place of the oldest one.</summary>
    public void Add(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var slot = Interlocked.Increment(ref _next) & (Capacity - 1);
        Volatile.Write(ref _ids[slot], taskId);
    }

    /// <summary>The remembered id whose text is <paramref name="utf8"/> (ASCII), or <see langword="null"/>.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        var ids = _ids;
        for (var i = 0; i < ids.Length; i++)
        {
            var id = Volatile.Read(ref ids[i]);
            if (id is not null && id.Length == utf8.Length && Ascii.Equals(utf8, id))
            {
                return id;
            }
        }

        return null;
    }
}
