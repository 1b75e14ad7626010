using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Testing.Room;

/// <summary>
/// The room program as a child process, driven over its stdin/stdout JSON lines (commands with an <c>id</c> are
/// acknowledged; everything else it prints is a report). It exits when its stdin closes, so it never outlives this
/// process; disposing asks it to shut down and kills it (with its children) if it does not.
/// </summary>
internal sealed class FakeLiveKitProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Action<JsonElement> _onReport;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _acks = new();
    private readonly TaskCompletionSource<JsonElement> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<string> _outbox = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<string> _stderrTail = new();
    private readonly Task _stdoutLoop;
    private readonly Task _stderrLoop;
    private readonly Task _writeLoop;
    private long _nextId;
    private int _disposed;

    private FakeLiveKitProcess(Process process, Action<JsonElement> onReport, ILogger logger)
    {
        _process = process;
        _onReport = onReport;
        _logger = logger;
        _stdoutLoop = Task.Run(ReadReportsAsync);
        _stderrLoop = Task.Run(ReadErrorsAsync);
        _writeLoop = Task.Run(WriteCommandsAsync);
    }

    /// <summary>The port the room's signalling listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The avatar's video frame rate.</summary>
    public int FrameRate { get; private set; }

    public static async Task<FakeLiveKitProcess> StartAsync(string programFolder, KonProFakeRoomOptions options, string corsOrigins, Tls.ServerCertificate? tls, Action<JsonElement> onReport, ILogger logger, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.NodePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = programFolder,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(programFolder, "src", "main.js"),
                     "--host", options.ListenAddress,
                     "--port", options.Port.ToString(CultureInfo.InvariantCulture),
                     "--fps", options.FrameRate.ToString(CultureInfo.InvariantCulture),
                     "--cors", corsOrigins,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        if (tls is not null)
        {
            // The signalling serves wss:// with the server's certificate (PEM files: the program reads them at start).
            foreach (var argument in new[] { "--cert", tls.RoomCertificatePath, "--key", tls.RoomKeyPath })
            {
                start.ArgumentList.Add(argument);
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{options.NodePath}'.");
        var room = new FakeLiveKitProcess(process, onReport, logger);
        try
        {
            var ready = await room._ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            room.Port = ready.GetProperty("port").GetInt32();
            room.FrameRate = ready.GetProperty("fps").GetInt32();
            return room;
        }
        catch
        {
            await room.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a command and waits for its acknowledgement; throws when the program refuses it or has exited.</summary>
    public async Task<JsonElement> SendAsync(JsonObject command, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        command["id"] = id;
        var ack = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = ack;
        try
        {
            Write(command);
            var answer = await ack.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            if (!answer.GetProperty("ok").GetBoolean())
            {
                throw new InvalidOperationException($"The fake LiveKit room refused '{command["cmd"]}': {answer.GetProperty("error").GetString()}");
            }

            return answer;
        }
        finally
        {
            _acks.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a command without waiting (events, talking state); commands reach the program in the order sent.</summary>
    public void Post(JsonObject command) => Write(command);

    private void Write(JsonObject command)
    {
        if (!_outbox.Writer.TryWrite(command.ToJsonString()))
        {
            throw new ObjectDisposedException(nameof(FakeLiveKitProcess), "The fake LiveKit room has stopped.");
        }
    }

    private async Task WriteCommandsAsync()
    {
        try
        {
            await foreach (var line in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await _process.StandardInput.WriteLineAsync(line.AsMemory()).ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException ex)
        {
            Log.RoomCommandFailed(_logger, ex); // the program has exited; the reader fails what waits for it
        }
        finally
        {
            try
            {
                _process.StandardInput.Close(); // the program exits when its input ends
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    private async Task ReadReportsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonElement message;
            try
            {
                message = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException)
            {
                Log.RoomOutput(_logger, line);
                continue;
            }

            var type = message.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "ready":
                    _ready.TrySetResult(message);
                    break;
                case "ack" when message.TryGetProperty("id", out var id) && _acks.TryGetValue(id.GetInt64(), out var ack):
                    ack.TrySetResult(message);
                    break;
                default:
                    try
                    {
                        _onReport(message);
                    }
#pragma warning disable CA1031 // a report the host cannot digest must not end the reader
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Log.RoomCommandFailed(_logger, ex);
                    }

                    break;
            }
        }

        await _stderrLoop.ConfigureAwait(false);
        var exited = new InvalidOperationException($"The fake LiveKit room program exited{ExitCode()}.{StderrTail()}");
        _ready.TrySetException(exited);
        foreach (var ack in _acks.Values)
        {
            ack.TrySetException(exited);
        }
    }

    private async Task ReadErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Log.RoomOutput(_logger, line);
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(line);
                if (_stderrTail.Count > 20)
                {
                    _stderrTail.Dequeue();
                }
            }
        }
    }

    private string ExitCode()
    {
        try
        {
            return _process.WaitForExit(1000) ? $" with code {_process.ExitCode}" : string.Empty;
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private string StderrTail()
    {
        lock (_stderrTail)
        {
            return _stderrTail.Count == 0 ? string.Empty : Environment.NewLine + string.Join(Environment.NewLine, _stderrTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _outbox.Writer.TryWrite(new JsonObject { ["cmd"] = "shutdown" }.ToJsonString());
        _outbox.Writer.TryComplete();
        await _writeLoop.ConfigureAwait(false);

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _stdoutLoop.ConfigureAwait(false);
        _process.Dispose();
    }
}
