using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// Bounds what one HTTP request may cost before WireMock reads it: a URL over 8 KB (414), headers over 32 KB (431)
/// and a body over <see cref="KonProFakeServerOptions.MaxRequestBodyBytes"/> (413) are answered in the error envelope.
/// A body longer than <see cref="KonProFakeServerOptions.MaxRecordedBodyBytes"/> reaches WireMock as a prefix only, so
/// that WireMock's request log stays bounded; the whole body waits beside it for the endpoint.
/// </summary>
internal sealed class RequestLimits(KonProFakeServerOptions options, RestPipeline pipeline)
{
    /// <summary>The longest request target (path and query) answered normally, as Kestrel's default.</summary>
    public const int MaxUrlBytes = 8 * 1024;

    /// <summary>The most header bytes answered normally, as Kestrel's default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Kestrel's own limits, raised so that the limits above can answer in the envelope; beyond them Kestrel answers bare.</summary>
    public const int KestrelMaxRequestLineBytes = 64 * 1024;

    /// <inheritdoc cref="KestrelMaxRequestLineBytes"/>
    public const int KestrelMaxHeaderBytes = 256 * 1024;

    private static readonly AsyncLocal<byte[]?> Full = new();

    /// <summary>The whole body of the current request when WireMock was given a prefix only; otherwise null.</summary>
    public static byte[]? FullBody => Full.Value;

    public void Install(IApplicationBuilder app) => app.Use(InvokeAsync);

    private async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (RequestTargetLength(context) > MaxUrlBytes)
        {
            await RejectAsync(context, new RestError(414, "VALIDATION_ERROR", $"the URL is longer than {MaxUrlBytes} bytes", "url", $"must be at most {MaxUrlBytes} bytes")).ConfigureAwait(false);
            return;
        }

        if (HeaderLength(request) > MaxHeaderBytes)
        {
            await RejectAsync(context, new RestError(431, "VALIDATION_ERROR", $"the request headers are longer than {MaxHeaderBytes} bytes", "headers", $"must be at most {MaxHeaderBytes} bytes in all")).ConfigureAwait(false);
            return;
        }

        var cap = options.MaxRequestBodyBytes;
        if (request.ContentLength > cap)
        {
            await RejectAsync(context, TooLarge(cap)).ConfigureAwait(false);
            return;
        }

        // A body of known, small length goes to WireMock untouched (the common case, kept cheap).
        if (context.WebSockets.IsWebSocketRequest || request.ContentLength <= options.MaxRecordedBodyBytes || !HasBody(request))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var body = await ReadCappedAsync(request.Body, cap, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await RejectAsync(context, TooLarge(cap)).ConfigureAwait(false);
            return;
        }

        if (body.Length > options.MaxRecordedBodyBytes)
        {
            Full.Value = body;
            body = body[..options.MaxRecordedBodyBytes];
        }

        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Full.Value = null;
        }
    }

    private static RestError TooLarge(int cap) =>
        new(413, "VALIDATION_ERROR", $"the request body is larger than {cap} bytes", "body", $"must be at most {cap} bytes");

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0;

    /// <summary>Reads at most <paramref name="cap"/> bytes; null when the body is longer (the rest is left unread).</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream body, int cap, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > cap)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static int RequestTargetLength(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget?.Length
        ?? Encoding.UTF8.GetByteCount(context.Request.Path.Value + context.Request.QueryString.Value);

    private static long HeaderLength(HttpRequest request)
    {
        long total = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                total += name.Length + 4 + (value?.Length ?? 0); // "name: value\r\n"
            }
        }

        return total;
    }

    private async Task RejectAsync(HttpContext context, RestError error)
    {
        var answer = pipeline.ErrorAnswer(error);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        // Kestrel drains (and discards) a body left unread, so the connection stays usable and nothing is buffered.
        await context.Response.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
