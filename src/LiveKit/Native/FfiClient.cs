using System.Buffers;
using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Google.Protobuf;
using KonPro.Streaming.LiveKit.Proto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KonPro.Streaming.LiveKit.Native;

/// <summary>
/// The process's one connection to LiveKit's FFI server.
/// <list type="bullet">
/// <item>The FFI calls <see cref="OnNativeEvent"/> on its own (several) native threads: it only copies the bytes and
/// queues them, never blocks, never calls back into the FFI.</item>
/// <item>One managed dispatcher reads that queue in order and hands each event to whoever waits for it: a request's
/// continuation by <c>async_id</c>, or the room or stream it belongs to by handle. Handlers run on the dispatcher and
/// must be quick: they copy what they need and queue it onwards (the room's events to <c>RoomEventQueue</c>, media to
/// <c>MediaPump</c>), so no subscriber of a room runs here.</item>
/// <item>Every handle is owned by an <see cref="FfiHandle"/> and dropped once; <see cref="LiveHandles"/> counts them.</item>
/// <item>Leases: the server is initialized by the first <see cref="AcquireAsync"/>. When the last lease is released it
/// stays up, idle, for the idle timeout the release names (timed on the release's scheduler), so that a room joined
/// meanwhile reuses it; then it is disposed (off the dispatcher and off any native thread). An idle server is also
/// disposed when the process exits.</item>
/// </list>
/// </summary>
internal sealed class FfiClient
{
    private const string SdkName = "konpro-dotnet";

    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(5);

    private static readonly Lock LeaseGate = new();
    private static FfiClient? s_current;
    private static int s_leases;
    private static Task s_lastShutdown = Task.CompletedTask;
    private static long s_liveHandles;
    private static long s_starts;
    private static long s_idleGeneration;
    private static IDisposable? s_idleTimer;
    private static bool s_exitHooked;
    private static int s_osProbeReported;

    private readonly Channel<byte[]> _events = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _routeGate = new();
    private readonly Dictionary<ulong, Action<FfiEvent>> _pending = [];
    private readonly Dictionary<ulong, Action<FfiEvent>> _routes = [];
    private readonly ILogger _logger;
    private readonly Task _dispatcher;
    private int _dispatcherThreadId;

    private FfiClient(ILogger logger)
    {
        _logger = logger;
        _dispatcher = Task.Run(DispatchAsync);
    }

    /// <summary>Handles owned and not yet dropped, across every client of the process.</summary>
    public static long LiveHandles => Interlocked.Read(ref s_liveHandles);

    /// <summary>Whether the FFI server is up (a lease is held, or it is idle within its idle timeout).</summary>
    public static bool IsRunning
    {
        get
        {
            lock (LeaseGate)
            {
                return s_current is not null;
            }
        }
    }

    /// <summary>How many times this process initialized an FFI server.</summary>
    public static long Starts => Interlocked.Read(ref s_starts);

    /// <summary>
    /// Whether the process is exiting (set by the <see cref="AppDomain.ProcessExit"/> handler): from then on the last
    /// release disposes the server at once. Internal and settable so that a test of the handler can put it back.
    /// </summary>
    internal static bool ProcessExiting { get; set; }

    /// <summary>Whether the caller runs on the dispatcher (where nothing may wait for another event).</summary>
    public bool OnDispatcher => Environment.CurrentManagedThreadId == Volatile.Read(ref _dispatcherThreadId);

    /// <summary>Takes a lease on the process's FFI server, initializing it (and loading the native library) if needed.</summary>
    /// <exception cref="PlatformNotSupportedException">No native library ships for this platform.</exception>
    /// <exception cref="LiveKitNativeException">The native library could not be loaded.</exception>
    public static async Task<FfiClient> AcquireAsync(ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        LiveKitPlatform.EnsureSupported();
        while (true)
        {
            Task previous;
            IDisposable? idleTimer = null;
            FfiClient? acquired = null;
            lock (LeaseGate)
            {
                previous = s_lastShutdown;
                if (previous.IsCompleted)
                {
                    if (s_current is null)
                    {
                        var client = new FfiClient(logger ?? NullLogger.Instance);
                        client.Initialize();
                        s_current = client;
                        Interlocked.Increment(ref s_starts);
                        HookProcessExit();
                    }
                    else
                    {
                        // An idle server is taken back: its pending shutdown is off (a timer already firing sees the
                        // generation moved on and does nothing).
                        idleTimer = CancelIdleTimer();
                    }

                    s_leases++;
                    acquired = s_current;
                }
            }

            if (acquired is not null)
            {
                idleTimer?.Dispose();
                return acquired;
            }

            // A server still shutting down must finish before a new one starts (one FFI server per process).
            await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a lease; the last one disposes the FFI server at once, in the background (see <see cref="WhenShutDownAsync"/>).</summary>
    public void Release() => Release(TimeSpan.Zero, ImmediateScheduler.Instance);

    /// <summary>
    /// Ends a lease. After the last one the server stays up for <paramref name="idleTimeout"/> (timed on
    /// <paramref name="scheduler"/>; <see cref="TimeSpan.Zero"/>: not at all; <see cref="Timeout.InfiniteTimeSpan"/>:
    /// until the process exits), and is then disposed in the background unless a lease was taken meanwhile.
    /// Releasing more than was acquired, or a server already replaced, does nothing.
    /// </summary>
    public void Release(TimeSpan idleTimeout, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        long generation;
        lock (LeaseGate)
        {
            if (!ReferenceEquals(s_current, this) || s_leases == 0)
            {
                return;
            }

            if (--s_leases > 0)
            {
                return;
            }

            if (idleTimeout == TimeSpan.Zero || ProcessExiting)
            {
                BeginShutdown();
                return;
            }

            if (idleTimeout == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            generation = ++s_idleGeneration;
        }

        // Scheduled outside the gate: a scheduler may run work inline. The timer counts only while its generation is
        // the current one (no lease was taken, no other release scheduled a newer timer, no shutdown happened).
        var timer = scheduler.Schedule(idleTimeout, () => ShutDownIfStillIdle(generation));
        lock (LeaseGate)
        {
            if (s_idleGeneration == generation && ReferenceEquals(s_current, this))
            {
                s_idleTimer = timer;
                return;
            }
        }

        timer.Dispose();
    }

    /// <summary>
    /// Disposes the server now if it is up and no lease holds it (idle within its idle timeout); otherwise does nothing.
    /// Completes when the last released server has shut down.
    /// </summary>
    public static Task ShutDownIfIdleAsync()
    {
        IDisposable? idleTimer = null;
        Task shutdown;
        lock (LeaseGate)
        {
            if (s_current is not null && s_leases == 0)
            {
                idleTimer = CancelIdleTimer();
                BeginShutdown();
            }

            shutdown = s_lastShutdown;
        }

        idleTimer?.Dispose();
        return shutdown;
    }

    /// <summary>
    /// The <see cref="AppDomain.ProcessExit"/> handler: disposes an idle server (bounded, so that a hung core cannot hold
    /// the exit), and makes any later last release dispose at once. A server that rooms still hold is left to them.
    /// </summary>
    internal static void OnProcessExit()
    {
        lock (LeaseGate)
        {
            ProcessExiting = true;
        }

#pragma warning disable CA1031 // nothing may escape a process exit handler; the process ends either way
        try
        {
            ShutDownIfIdleAsync().Wait(ExitBound);
        }
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }

    private static void HookProcessExit()
    {
        if (!s_exitHooked)
        {
            s_exitHooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => OnProcessExit();
        }
    }

    // Under LeaseGate: invalidates any idle timer (its callback checks the generation) and hands it back for disposal
    // outside the gate.
    private static IDisposable? CancelIdleTimer()
    {
        s_idleGeneration++;
        var timer = s_idleTimer;
        s_idleTimer = null;
        return timer;
    }

    private static void ShutDownIfStillIdle(long generation)
    {
        lock (LeaseGate)
        {
            if (s_idleGeneration != generation || s_current is null || s_leases != 0)
            {
                return;
            }

            s_idleTimer = null;
            BeginShutdown();
        }
    }

    // Under LeaseGate, with no lease held: the server is no longer current and is disposed on the thread pool.
    private static void BeginShutdown()
    {
        var client = s_current!;
        s_current = null;
        s_idleGeneration++;
        s_lastShutdown = Task.Run(client.ShutdownAsync);
    }

    /// <summary>Completes when the last released server has shut down.</summary>
    public static Task WhenShutDownAsync()
    {
        lock (LeaseGate)
        {
            return s_lastShutdown;
        }
    }

    /// <summary>Sends a request and returns the FFI's synchronous response (its buffer handle is dropped here).</summary>
    public unsafe FfiResponse Request(FfiRequest request)
    {
        var size = request.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            request.WriteTo(buffer.AsSpan(0, size));
            byte* response;
            nuint responseLength;
            ulong id;
            fixed (byte* data = buffer)
            {
                id = NativeMethods.Request(data, (nuint)size, &response, &responseLength);
            }

            if (id == 0)
            {
                throw new LiveKitNativeException($"LiveKit's native core rejected the {request.MessageCase} request.");
            }

            using var owner = new FfiHandle(this, id);
            return FfiResponse.Parser.ParseFrom(new ReadOnlySpan<byte>(response, checked((int)responseLength)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends a request whose result arrives later as an event with the response's <c>async_id</c>. The handler runs
    /// on the dispatcher, before any later event is dispatched (so it can route the objects it receives).
    /// </summary>
    public ulong Request(FfiRequest request, Func<FfiResponse, ulong> asyncId, Action<FfiEvent> onCallback)
    {
        lock (_routeGate)
        {
            // Holding the gate across the call: the callback may be queued before the response returns, and the
            // dispatcher routes it only once the handler is in place.
            var id = asyncId(Request(request));
            _pending[id] = onCallback;
            return id;
        }
    }

    /// <summary>Sends a request whose result arrives later as an event; completes with that event.</summary>
    public async Task<FfiEvent> RequestAsync(FfiRequest request, Func<FfiResponse, ulong> asyncId, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<FfiEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = Request(request, asyncId, e => done.TrySetResult(e));
        using var registration = cancellationToken.Register(() =>
        {
            lock (_routeGate)
            {
                _pending.Remove(id);
            }

            done.TrySetCanceled(cancellationToken);
        });
        var result = await done.Task.ConfigureAwait(false);
        if (result.MessageCase == FfiEvent.MessageOneofCase.Panic)
        {
            throw new LiveKitNativeException($"LiveKit's native core panicked during {request.MessageCase}: {result.Panic.Message}");
        }

        return result;
    }

    /// <summary>Sends a request that creates an object with events of its own, and routes them to <paramref name="sink"/>.</summary>
    public FfiResponse RequestAndRoute(FfiRequest request, Func<FfiResponse, ulong> handleOf, Action<FfiEvent> sink)
    {
        lock (_routeGate)
        {
            var response = Request(request);
            _routes[handleOf(response)] = sink;
            return response;
        }
    }

    /// <summary>Routes the events of an object (a room, a stream) to <paramref name="sink"/>; call from the dispatcher or under a request.</summary>
    public void Route(ulong handle, Action<FfiEvent> sink)
    {
        lock (_routeGate)
        {
            _routes[handle] = sink;
        }
    }

    /// <summary>Stops routing an object's events (later ones have their handles dropped).</summary>
    public void Unroute(ulong handle)
    {
        lock (_routeGate)
        {
            _routes.Remove(handle);
        }
    }

    /// <summary>Takes ownership of a handle the FFI gave.</summary>
    public FfiHandle Own(FfiOwnedHandle? handle) => new(this, handle?.Id ?? 0);

    internal void OnHandleOwned() => Interlocked.Increment(ref s_liveHandles);

    internal bool Drop(ulong id)
    {
        Interlocked.Decrement(ref s_liveHandles);
        return NativeMethods.DropHandle(id) != 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnNativeEvent(byte* data, nuint length)
    {
        // On a native thread: copy and queue, nothing else (never block, never throw across the boundary).
#pragma warning disable CA1031
        try
        {
            var client = Volatile.Read(ref s_current);
            if (client is not null && length <= int.MaxValue)
            {
                client._events.Writer.TryWrite(new ReadOnlySpan<byte>(data, (int)length).ToArray());
            }
        }
        catch
        {
        }
#pragma warning restore CA1031
    }

    private unsafe void Initialize()
    {
        var started = Stopwatch.GetTimestamp();
        var sdk = "konpro-dotnet\0"u8;
        var version = (typeof(FfiClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0") + "\0";
        var versionBytes = System.Text.Encoding.ASCII.GetBytes(version);
        try
        {
            fixed (byte* sdkPointer = sdk)
            fixed (byte* versionPointer = versionBytes)
            {
                NativeMethods.Initialize(&OnNativeEvent, captureLogs: 0, sdkPointer, versionPointer);
            }
        }
        catch (DllNotFoundException exception)
        {
            _events.Writer.TryComplete();
            throw new LiveKitNativeException(
                $"LiveKit's native library ({NativeMethods.Library}, with rtc-node.linux-x64-gnu.node beside it) could not be loaded: {exception.Message}. " +
                "The package ships it under runtimes/linux-x64/native; a build from source needs npm, tar, nm and gcc on the build host.",
                exception);
        }

        Log.FfiInitialized(_logger, SdkName + " " + LiveKitPlatform.NativeVersion, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (Interlocked.Exchange(ref s_osProbeReported, 1) == 0
            && LiveKitPlatform.FindOnPath(LiveKitPlatform.OsProbe, Environment.GetEnvironmentVariable("PATH")) is { } probe)
        {
            // The core (livekit-api's signal client, through the os_info crate) spawns `lsb_release -a` for every join's
            // URL; the SDK cannot stop it, so it says so once a process.
            Log.OsProbeAtEveryJoin(_logger, probe);
        }
    }

    private async Task ShutdownAsync()
    {
        // Blocks until the server stopped; this runs on the thread pool, never on an FFI callback thread.
        NativeMethods.Dispose();
        _events.Writer.TryComplete();
        await _dispatcher.ConfigureAwait(false);
        List<Action<FfiEvent>> waiting;
        lock (_routeGate)
        {
            waiting = [.. _pending.Values];
            _pending.Clear();
            _routes.Clear();
        }

        var gone = new FfiEvent { Panic = new Panic { Message = "the LiveKit FFI server was disposed" } };
        foreach (var handler in waiting)
        {
            Invoke(handler, gone);
        }

        Log.FfiDisposed(_logger);
    }

    private async Task DispatchAsync()
    {
        await foreach (var bytes in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Volatile.Write(ref _dispatcherThreadId, Environment.CurrentManagedThreadId);
            FfiEvent evt;
            try
            {
                evt = FfiEvent.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException exception)
            {
                Log.EventUnreadable(_logger, exception.Message);
                continue;
            }

            Dispatch(evt);
            Volatile.Write(ref _dispatcherThreadId, 0);
        }
    }

    private void Dispatch(FfiEvent evt)
    {
        Action<FfiEvent>? handler = null;
        List<Action<FfiEvent>>? everyone = null;
        lock (_routeGate)
        {
            switch (evt.MessageCase)
            {
                case FfiEvent.MessageOneofCase.RoomEvent:
                    _routes.TryGetValue(evt.RoomEvent.RoomHandle, out handler);
                    break;
                case FfiEvent.MessageOneofCase.VideoStreamEvent:
                    _routes.TryGetValue(evt.VideoStreamEvent.StreamHandle, out handler);
                    break;
                case FfiEvent.MessageOneofCase.AudioStreamEvent:
                    _routes.TryGetValue(evt.AudioStreamEvent.StreamHandle, out handler);
                    break;
                case FfiEvent.MessageOneofCase.Panic:
                    everyone = [.. _pending.Values, .. _routes.Values];
                    _pending.Clear();
                    break;
                case FfiEvent.MessageOneofCase.Logs:
                case FfiEvent.MessageOneofCase.None:
                    break;
                default:
                    var asyncId = AsyncIdOf(evt);
                    if (asyncId is { } id && _pending.Remove(id, out var pending))
                    {
                        handler = pending;
                    }

                    break;
            }
        }

        if (evt.MessageCase == FfiEvent.MessageOneofCase.Panic)
        {
            Log.FfiPanicked(_logger, evt.Panic.Message);
            foreach (var each in everyone!)
            {
                Invoke(each, evt);
            }

            return;
        }

        if (handler is null)
        {
            // Nobody waits for it (a stream already closed, a room already left): still drop what it hands over.
            DropOwnedHandles(evt);
            return;
        }

        Invoke(handler, evt);
    }

    private void Invoke(Action<FfiEvent> handler, FfiEvent evt)
    {
#pragma warning disable CA1031 // a handler's fault must not stop the dispatcher
        try
        {
            handler(evt);
        }
        catch (Exception exception)
        {
            Log.HandlerThrew(_logger, exception, evt.MessageCase.ToString());
        }
#pragma warning restore CA1031
    }

    private static ulong? AsyncIdOf(FfiEvent evt) => evt.MessageCase switch
    {
        FfiEvent.MessageOneofCase.Connect => evt.Connect.AsyncId,
        FfiEvent.MessageOneofCase.Disconnect => evt.Disconnect.AsyncId,
        FfiEvent.MessageOneofCase.Dispose => evt.Dispose.AsyncId,
        FfiEvent.MessageOneofCase.PublishTrack => evt.PublishTrack.AsyncId,
        FfiEvent.MessageOneofCase.UnpublishTrack => evt.UnpublishTrack.AsyncId,
        FfiEvent.MessageOneofCase.PublishData => evt.PublishData.AsyncId,
        FfiEvent.MessageOneofCase.CaptureAudioFrame => evt.CaptureAudioFrame.AsyncId,
        _ => null,
    };

    /// <summary>Drops every handle an event hands over, for events nobody takes.</summary>
    internal void DropOwnedHandles(FfiEvent evt)
    {
        switch (evt.MessageCase)
        {
            case FfiEvent.MessageOneofCase.VideoStreamEvent when evt.VideoStreamEvent.FrameReceived is { } frame:
                Own(frame.Buffer?.Handle).Dispose();
                break;
            case FfiEvent.MessageOneofCase.AudioStreamEvent when evt.AudioStreamEvent.FrameReceived is { } frame:
                Own(frame.Frame?.Handle).Dispose();
                break;
            case FfiEvent.MessageOneofCase.RoomEvent:
                DropOwnedHandles(evt.RoomEvent);
                break;
            case FfiEvent.MessageOneofCase.Connect when evt.Connect.Result is { } result:
                Own(result.Room?.Handle).Dispose();
                Own(result.LocalParticipant?.Handle).Dispose();
                foreach (var participant in result.Participants)
                {
                    Own(participant.Participant?.Handle).Dispose();
                    foreach (var publication in participant.Publications)
                    {
                        Own(publication.Handle).Dispose();
                    }
                }

                break;
            case FfiEvent.MessageOneofCase.PublishTrack when evt.PublishTrack.Publication is { } publication:
                Own(publication.Handle).Dispose();
                break;
        }
    }

    /// <summary>Drops the handles of a room event the room does not keep.</summary>
    internal void DropOwnedHandles(RoomEvent evt)
    {
        switch (evt.MessageCase)
        {
            case RoomEvent.MessageOneofCase.ParticipantConnected:
                Own(evt.ParticipantConnected.Info?.Handle).Dispose();
                break;
            case RoomEvent.MessageOneofCase.TrackPublished:
                Own(evt.TrackPublished.Publication?.Handle).Dispose();
                break;
            case RoomEvent.MessageOneofCase.TrackSubscribed:
                Own(evt.TrackSubscribed.Track?.Handle).Dispose();
                break;
            case RoomEvent.MessageOneofCase.DataPacketReceived when evt.DataPacketReceived.User is { } user:
                Own(user.Data?.Handle).Dispose();
                break;
        }
    }
}
