using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.Conversation;

/// <summary>Every log message of the conversation pipeline, with fixed event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "User turn ({Source}, {Length} characters)")]
    public static partial void UserTurn(ILogger logger, UserTurnSource source, int length);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Answer ended: {Pieces} pieces spoken, interrupted {Interrupted}")]
    public static partial void AnswerEnded(ILogger logger, int pieces, bool interrupted);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The answer failed ({ErrorType}); the conversation goes on")]
    public static partial void AnswerFailed(ILogger logger, Exception exception, string errorType);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not interrupt the avatar ({ErrorType})")]
    public static partial void InterruptFailed(ILogger logger, Exception exception, string errorType);
}
