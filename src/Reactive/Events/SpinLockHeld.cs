namespace KonPro.Streaming.Events;

/// <summary>
/// A <see cref="SpinLock"/> held for a <c>using</c> block: entered when made, exited (without a memory barrier, as
/// every gate of the event path exits) when disposed. For the gates of the event path, which are held for a few reads
/// and writes and never around code that is not their owner's (a SpinLock without owner tracking is not reentrant).
/// </summary>
internal ref struct SpinLockHeld
{
    private readonly ref SpinLock _gate;
    private readonly bool _taken;

    public SpinLockHeld(ref SpinLock gate)
    {
        _gate = ref gate;
        var taken = false;
        gate.Enter(ref taken);
        _taken = taken;
    }

    public readonly void Dispose()
    {
        if (_taken)
        {
            _gate.Exit(useMemoryBarrier: false);
        }
    }
}
