using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Testing;

/// <content>TLS log messages (event ids from 300). None carries a key or a password.</content>
internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Serving TLS with {Subject} (SHA-256 {Fingerprint}); clients trust {PemPath}")]
    public static partial void TlsCertificate(ILogger logger, string subject, string fingerprint, string pemPath);
}
