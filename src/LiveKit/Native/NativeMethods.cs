using System.Runtime.InteropServices;

namespace KonPro.Streaming.LiveKit.Native;

/// <summary>
/// LiveKit's FFI C ABI (livekit-ffi), reached through the project's wrapper <c>liblivekit_ffi.so</c>, which loads the
/// unmodified <c>rtc-node.linux-x64-gnu.node</c> beside it. Rust's <c>bool</c> is one byte.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "livekit_ffi";

    [LibraryImport(Library, EntryPoint = "livekit_ffi_initialize")]
    internal static partial void Initialize(delegate* unmanaged[Cdecl]<byte*, nuint, void> callback, byte captureLogs, byte* sdk, byte* sdkVersion);

    /// <returns>The handle of the response buffer (drop it once read), or 0 when the request was invalid.</returns>
    [LibraryImport(Library, EntryPoint = "livekit_ffi_request")]
    internal static partial ulong Request(byte* data, nuint length, byte** response, nuint* responseLength);

    [LibraryImport(Library, EntryPoint = "livekit_ffi_drop_handle")]
    internal static partial byte DropHandle(ulong handle);

    /// <summary>Blocks until the FFI server stopped; never call it from one of the FFI's callback threads.</summary>
    [LibraryImport(Library, EntryPoint = "livekit_ffi_dispose")]
    internal static partial void Dispose();
}
