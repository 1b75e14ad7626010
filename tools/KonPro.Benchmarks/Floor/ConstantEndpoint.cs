using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KonPro.Benchmarks.Floor;

/// <summary>
/// The floor of a REST call: a minimal Kestrel endpoint on loopback, in this process, that answers every KonPro session
/// route with a constant envelope (pre-encoded bytes; no parsing, no state) and holds chat sockets open without a word.
/// Its own cost is close to nothing, so what a client adds on top of a raw POST shows.
/// </summary>
internal sealed class ConstantEndpoint : IAsyncDisposable
{
    public const string SessionId = "floor-session";

    private static readonly byte[] Status = Encoding.UTF8.GetBytes("""{"code":100,"message":"success","data":{"status":"ok"}}""");
    // Each task gets its own id, as the real server's do (a fixed-width counter patched into the constant answer): with one id
    // for every task the SDK would find the first task's progress on every call and skip the tracking a real task costs.
    private static readonly byte[] Task = Encoding.UTF8.GetBytes("""{"code":100,"message":"success","data":{"task_id":"floor-task-00000000","duration_ms":1200}}""");
    private static readonly int TaskCounterAt = Array.IndexOf(Task, (byte)'0', Encoding.UTF8.GetByteCount("""{"code":100,"message":"success","data":{"task_id":"floor-task-"""));
    private static long _tasks;
    private static readonly byte[] New = Encoding.UTF8.GetBytes(
        $$$"""{"code":100,"message":"success","data":{"session_id":"{{{SessionId}}}","access_token":"floor-room-token","url":"wss://room.invalid","livekit_agent_token":"floor-agent-token","is_paid":false,"session_duration_limit":86400,"realtime_endpoint":null,"sdp":null,"ice_servers":null,"ice_servers2":null}}""");

    private readonly WebApplication _app;

    private ConstantEndpoint(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base URL, <c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    public static async Task<ConstantEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConstantEndpoint(app, address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            while (socket.State == System.Net.WebSockets.WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }
            }

            return;
        }

        var path = context.Request.Path.Value ?? string.Empty;
        var isTask = path.EndsWith("/task", StringComparison.Ordinal);
        var body = isTask ? Task
            : path.EndsWith("/new", StringComparison.Ordinal) ? New
            : Status;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        if (isTask)
        {
            // The answer written straight into the response's buffer, its counter patched in: nothing allocated per task.
            var span = context.Response.BodyWriter.GetSpan(body.Length);
            body.CopyTo(span);
            var id = (ulong)Interlocked.Increment(ref _tasks);
            for (var i = TaskCounterAt + 7; i >= TaskCounterAt; i--, id /= 10)
            {
                span[i] = (byte)('0' + (int)(id % 10));
            }

            context.Response.BodyWriter.Advance(body.Length);
            await context.Response.BodyWriter.FlushAsync();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }
}
