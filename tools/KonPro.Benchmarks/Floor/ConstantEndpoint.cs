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
    private static readonly byte[] Task = Encoding.UTF8.GetBytes("""{"code":100,"message":"success","data":{"task_id":"floor-task","duration_ms":1200}}""");
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
        var body = path.EndsWith("/task", StringComparison.Ordinal) ? Task
            : path.EndsWith("/new", StringComparison.Ordinal) ? New
            : Status;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }
}
