using System.Globalization;
using System.Text;

namespace KonPro.Streaming;

/// <summary>What is known about one failed call, before it becomes an exception.</summary>
internal sealed record KonProErrorDetails(
    int Status,
    string? ErrorCode,
    string? ApiMessage,
    string? Field,
    string? RequestId,
    string? Operation,
    TimeSpan? RetryAfter)
{
    public string? Reason { get; init; }

    public string FormatMessage()
    {
        var text = new StringBuilder();
        text.Append("KonPro ").Append(Operation ?? "call").Append(" failed: HTTP ")
            .Append(Status.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(ErrorCode))
        {
            text.Append(' ').Append(ErrorCode);
        }

        if (!string.IsNullOrEmpty(ApiMessage))
        {
            text.Append(": ").Append(ApiMessage);
        }

        if (!string.IsNullOrEmpty(Field))
        {
            text.Append(" (field '").Append(Field).Append('\'');
            if (!string.IsNullOrEmpty(Reason))
            {
                text.Append(": ").Append(Reason);
            }

            text.Append(')');
        }

        if (RetryAfter is { } retryAfter)
        {
            text.Append(" (retry after ").Append(retryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append(" s)");
        }

        if (!string.IsNullOrEmpty(RequestId))
        {
            text.Append(" (request id '").Append(RequestId).Append("')");
        }

        return text.Append('.').ToString();
    }
}
