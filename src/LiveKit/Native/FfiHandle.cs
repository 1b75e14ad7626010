using System.Runtime.InteropServices;

namespace KonPro.Streaming.LiveKit.Native;

/// <summary>
/// Owns one handle the FFI returned (a response buffer, a room, a participant, a track, a stream, a frame buffer) and
/// drops it exactly once: on <see cref="SafeHandle.Dispose()"/> or, if its owner forgot, on finalization.
/// </summary>
internal sealed class FfiHandle : SafeHandle
{
    private readonly FfiClient _client;

    internal FfiHandle(FfiClient client, ulong id)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _client = client;
        SetHandle(unchecked((IntPtr)(long)id));
        if (id != 0)
        {
            client.OnHandleOwned();
        }
    }

    /// <summary>The FFI's id of the handle.</summary>
    public ulong Id => unchecked((ulong)(long)handle);

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => _client.Drop(Id);
}
