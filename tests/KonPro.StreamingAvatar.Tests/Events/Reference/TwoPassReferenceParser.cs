// The two-pass parser as it was before the event path became one pass (issue 22, item 5), kept unchanged as the
// reference the one-pass parser is compared with, message by message (OnePassParserAgreementTests). Only its name,
// its cache's name and its namespace differ from the shipped code it was.
#pragma warning disable
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace KonPro.Streaming.Tests.Events.Reference;

/// <summary>
/// Parses one wire message (a UTF-8 JSON object) into a typed <see cref="StreamingEvent"/> without
/// reflection and without a serializer: one <see cref="Utf8JsonReader"/> pass finds the event's name, a
/// second one reads the fields of that event. Unknown names become <see cref="UnknownStreamingEvent"/>;
/// the names of the events only the SDK raises (<c>stream_ready</c>, <c>stream_disconnected</c>,
/// <c>connection_quality_changed</c>, <c>stream_reconnected</c>) are refused (<see cref="WireParseResult.ClientEventName"/>): such a message is
/// not that event, and the callers drop it, log it and count it;
/// fields the event does not model (or that carry an unexpected JSON type) go to
/// <see cref="StreamingEvent.ExtraFields"/>, whose dictionary is only allocated when there are any.
/// No input makes it throw: whatever a server or a room peer sends, a bad message is a <see langword="false"/>
/// (the caller reports it as a malformed-message diagnostic) and the receive loop goes on.
/// </summary>
/// <remarks>
/// A typical event costs the record plus its message string; a <see cref="StreamingEventParserCache"/>
/// (one per socket) lets consecutive events of the same task share one task id string.
/// </remarks>
internal static class TwoPassReferenceParser
{
    /// <summary>The name property on the chat socket.</summary>
    internal const string ChatSocketNameProperty = KonPro.Streaming.Api.ChatProtocol.EventNameProperty;

    /// <summary>The name property on the LiveKit data channel.</summary>
    internal const string DataChannelNameProperty = KonPro.Streaming.Api.ChatProtocol.RoomEventNameProperty;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    private enum Kind
    {
        Unknown,
        AvatarStartTalking,
        AvatarTalkingMessage,
        AvatarEndMessage,
        AvatarStopTalking,
        UserStart,
        UserStop,
        UserTalkingMessage,
        UserEndMessage,
        UserSilence,

        /// <summary>A name only the SDK raises (<c>stream_ready</c>, <c>stream_disconnected</c>, <c>connection_quality_changed</c>, <c>stream_reconnected</c>).</summary>
        ClientEvent,
    }

    /// <summary>Parses one message.</summary>
    /// <param name="utf8Json">The whole message.</param>
    /// <param name="nameProperty"><c>event_type</c> on the chat socket, <c>type</c> on the LiveKit data channel.</param>
    /// <param name="sessionId">The session the message came from (used when the message does not name one).</param>
    /// <param name="receivedAt">When the message arrived.</param>
    /// <param name="evt">The event, when the message is a JSON object with a string name.</param>
    /// <returns>
    /// <see langword="false"/> for malformed input: not JSON (truncated, trailing data, nested deeper than 64), not an
    /// object, no string name, or a string anywhere in it that is not text (invalid UTF-8, an escaped lone surrogate);
    /// and for a message named like an event only the SDK raises (<c>stream_reconnected</c>). Never throws for any input.
    /// </returns>
    internal static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        string? sessionId,
        DateTimeOffset receivedAt,
        [NotNullWhen(true)] out StreamingEvent? evt) =>
        TryParse(utf8Json, nameProperty, sessionId, receivedAt, cache: null, out evt);

    /// <summary>Parses one message, reusing the task id strings remembered by <paramref name="cache"/>.</summary>
    /// <param name="utf8Json">The whole message.</param>
    /// <param name="nameProperty"><c>event_type</c> on the chat socket, <c>type</c> on the LiveKit data channel.</param>
    /// <param name="sessionId">The session the message came from (used when the message does not name one).</param>
    /// <param name="receivedAt">When the message arrived.</param>
    /// <param name="cache">A per-connection cache of the last task id, or <see langword="null"/>.</param>
    /// <param name="evt">The event, when the message is a JSON object with a string name.</param>
    /// <returns>
    /// <see langword="false"/> for malformed input: not JSON (truncated, trailing data, nested deeper than 64), not an
    /// object, no string name, or a string anywhere in it that is not text (invalid UTF-8, an escaped lone surrogate);
    /// and for a message named like an event only the SDK raises (<c>stream_reconnected</c>). Never throws for any input.
    /// </returns>
    internal static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        string? sessionId,
        DateTimeOffset receivedAt,
        ReferenceCache? cache,
        [NotNullWhen(true)] out StreamingEvent? evt) =>
        Parse(utf8Json, nameProperty, sessionId, receivedAt, cache, out evt, out _) == WireParseResult.Event;

    /// <summary>Parses one message and says what it was: an event, malformed, or named like an event only the SDK raises.</summary>
    /// <param name="utf8Json">The whole message.</param>
    /// <param name="nameProperty"><c>event_type</c> on the chat socket, <c>type</c> on the LiveKit data channel.</param>
    /// <param name="sessionId">The session the message came from (used when the message does not name one).</param>
    /// <param name="receivedAt">When the message arrived.</param>
    /// <param name="cache">A per-connection cache of the last task id, or <see langword="null"/>.</param>
    /// <param name="evt">The event, for <see cref="WireParseResult.Event"/>; otherwise <see langword="null"/>.</param>
    /// <param name="clientEventName">The refused name, for <see cref="WireParseResult.ClientEventName"/>.</param>
    /// <returns>What the message was. Never throws for any input.</returns>
    internal static WireParseResult Parse(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        string? sessionId,
        DateTimeOffset receivedAt,
        ReferenceCache? cache,
        out StreamingEvent? evt,
        out string? clientEventName)
    {
        ArgumentNullException.ThrowIfNull(nameProperty);
        evt = null;
        clientEventName = null;
        try
        {
            if (!TryFindKind(utf8Json, nameProperty, out var kind, out var name))
            {
                return WireParseResult.Malformed;
            }

            if (kind == Kind.ClientEvent)
            {
                // The SDK raises these itself, from its own transports; a message carrying one of their names is not
                // that event (ADR 0006), whoever sent it.
                clientEventName = name;
                return WireParseResult.ClientEventName;
            }

            evt = ReadEvent(utf8Json, nameProperty, kind, name, sessionId, receivedAt, cache);
            return WireParseResult.Event;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // JsonException: not JSON, nested too deep, truncated, trailing data. The others cannot come from input
            // the first pass accepted (it checks every string); they are caught so that no input ever escapes as an
            // exception into a receive loop.
            evt = null;
            clientEventName = null;
            return WireParseResult.Malformed;
        }
    }

    // First pass: validate the whole document (JSON syntax, UTF-8 and escapes of every string) and find the
    // name. Allocates only for unknown (and refused) names. After it, no string of the message can fail to decode.
    private static bool TryFindKind(ReadOnlySpan<byte> utf8Json, string nameProperty, out Kind kind, out string? unknownName)
    {
        kind = Kind.Unknown;
        unknownName = null;
        var found = false;

        // One vectorized pass over the whole message: outside strings the reader accepts ASCII only, so this is
        // the UTF-8 check of every string, at a fraction of the cost of checking each one.
        if (!Utf8.IsValid(utf8Json))
        {
            return false;
        }

        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        // Every token to the end: a second value after the object makes the reader throw.
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String))
            {
                continue;
            }

            if (!IsValidText(ref reader))
            {
                return false;
            }

            if (found || reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1
                || !reader.ValueTextEquals(nameProperty))
            {
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                // Not a name: its tokens (if a container) are validated by the loop; a later name may still come.
                continue;
            }

            if (!IsValidText(ref reader))
            {
                return false;
            }

            found = true;
            kind = KindOf(ref reader);
            if (kind is Kind.Unknown or Kind.ClientEvent)
            {
                unknownName = reader.GetString();
            }
        }

        return found;
    }

    // A string token decodes to UTF-16: its bytes are valid UTF-8 (checked for the whole message) and its \\u
    // escapes pair their surrogates. The reader has checked the escapes' syntax (\\u takes four hex digits).
    private static bool IsValidText(ref Utf8JsonReader reader) =>
        !reader.ValueIsEscaped || HasPairedSurrogateEscapes(reader.ValueSpan); // one span, never a sequence

    private static bool HasPairedSurrogateEscapes(ReadOnlySpan<byte> raw)
    {
        var i = raw.IndexOf((byte)'\\');
        while (i >= 0 && i < raw.Length - 1)
        {
            if (raw[i + 1] != (byte)'u')
            {
                i += 2;
            }
            else
            {
                var unit = Hex4(raw.Slice(i + 2, 4));
                i += 6;
                if (char.IsLowSurrogate((char)unit))
                {
                    return false;
                }

                if (char.IsHighSurrogate((char)unit))
                {
                    // Only an escaped low surrogate can follow (a raw one would be invalid UTF-8).
                    if (i + 6 > raw.Length || raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u'
                        || !char.IsLowSurrogate((char)Hex4(raw.Slice(i + 2, 4))))
                    {
                        return false;
                    }

                    i += 6;
                }
            }

            var next = raw[i..].IndexOf((byte)'\\');
            i = next < 0 ? -1 : i + next;
        }

        return true;
    }

    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            value = (value << 4) | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
        }

        return value;
    }

    private static Kind KindOf(ref Utf8JsonReader reader)
    {
        // u8 literals: compared against the raw bytes, no string is created for known names.
        if (reader.ValueTextEquals("avatar_talking_message"u8)) return Kind.AvatarTalkingMessage;
        if (reader.ValueTextEquals("user_talking_message"u8)) return Kind.UserTalkingMessage;
        if (reader.ValueTextEquals("avatar_start_talking"u8)) return Kind.AvatarStartTalking;
        if (reader.ValueTextEquals("avatar_stop_talking"u8)) return Kind.AvatarStopTalking;
        if (reader.ValueTextEquals("avatar_end_message"u8)) return Kind.AvatarEndMessage;
        if (reader.ValueTextEquals("user_end_message"u8)) return Kind.UserEndMessage;
        if (reader.ValueTextEquals("user_start"u8)) return Kind.UserStart;
        if (reader.ValueTextEquals("user_stop"u8)) return Kind.UserStop;
        if (reader.ValueTextEquals("user_silence"u8)) return Kind.UserSilence;
        if (reader.ValueTextEquals("stream_ready"u8)) return Kind.ClientEvent;
        if (reader.ValueTextEquals("stream_disconnected"u8)) return Kind.ClientEvent;
        if (reader.ValueTextEquals("connection_quality_changed"u8)) return Kind.ClientEvent;
        if (reader.ValueTextEquals("stream_reconnected"u8)) return Kind.ClientEvent;
        return Kind.Unknown;
    }

    // Second pass: read the fields the event models; keep the rest.
    private static StreamingEvent ReadEvent(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        Kind kind,
        string? unknownName,
        string? sessionId,
        DateTimeOffset receivedAt,
        ReferenceCache? cache)
    {
        string? taskId = null;
        string? message = null;
        string? messageSessionId = null;
        long durationMs = 0;
        int silenceTimes = 0;
        int countDown = 0;
        Dictionary<string, JsonElement>? extra = null;
        var nameSeen = false;

        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field.Other;
            if (!nameSeen && reader.ValueTextEquals(nameProperty))
            {
                field = Field.Name;
            }
            else if (reader.ValueTextEquals("task_id"u8))
            {
                field = Field.TaskId;
            }
            else if (reader.ValueTextEquals("session_id"u8))
            {
                field = Field.SessionId;
            }
            else if (HasMessage(kind) && reader.ValueTextEquals("message"u8))
            {
                field = Field.Message;
            }
            else if (kind == Kind.AvatarStopTalking && reader.ValueTextEquals("duration_ms"u8))
            {
                field = Field.DurationMs;
            }
            else if (kind == Kind.UserSilence && reader.ValueTextEquals("silence_times"u8))
            {
                field = Field.SilenceTimes;
            }
            else if (kind == Kind.UserSilence && reader.ValueTextEquals("count_down"u8))
            {
                field = Field.CountDown;
            }

            // Only unknown fields need their name as a string.
            var otherName = field == Field.Other ? reader.GetString()! : null;
            reader.Read();

            var taken = field switch
            {
                Field.Name => nameSeen = true,
                Field.TaskId => TryReadTaskId(ref reader, cache, out taskId),
                Field.SessionId => TryReadSessionId(ref reader, sessionId, out messageSessionId),
                Field.Message => TryReadString(ref reader, out message),
                Field.DurationMs => TryReadInt64(ref reader, out durationMs),
                Field.SilenceTimes => TryReadInt32(ref reader, out silenceTimes),
                Field.CountDown => TryReadInt32(ref reader, out countDown),
                _ => false,
            };

            if (!taken)
            {
                // An unknown field, or a known one with an unexpected JSON type: pass it through as data.
                otherName ??= FieldName(field, nameProperty);
                extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                extra[otherName] = JsonElement.ParseValue(ref reader);
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        var sid = messageSessionId ?? sessionId;
        var extras = extra ?? StreamingEvent.NoExtraFields;

        // Every record is built with one object initializer: one allocation, no `with` copy.
        return kind switch
        {
            Kind.AvatarStartTalking => new AvatarStartTalking
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras,
            },
            Kind.AvatarTalkingMessage => new AvatarTalkingMessage
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras, Message = message ?? string.Empty,
            },
            Kind.AvatarEndMessage => new AvatarEndMessage
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras,
            },
            Kind.AvatarStopTalking => new AvatarStopTalking
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras, DurationMs = durationMs,
            },
            Kind.UserStart => new UserStart
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras,
            },
            Kind.UserStop => new UserStop
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras,
            },
            Kind.UserTalkingMessage => new UserTalkingMessage
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras, Message = message ?? string.Empty,
            },
            Kind.UserEndMessage => new UserEndMessage
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras,
            },
            Kind.UserSilence => new UserSilence
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras, SilenceTimes = silenceTimes, CountDown = countDown,
            },
            _ => new UnknownStreamingEvent(unknownName!, Encoding.UTF8.GetString(utf8Json))
            {
                TaskId = taskId, SessionId = sid, ReceivedAt = receivedAt, ExtraFields = extras,
            },
        };
    }

    private enum Field
    {
        Other,
        Name,
        TaskId,
        SessionId,
        Message,
        DurationMs,
        SilenceTimes,
        CountDown,
    }

    private static bool HasMessage(Kind kind) =>
        kind is Kind.AvatarTalkingMessage or Kind.UserTalkingMessage;

    private static string FieldName(Field field, string nameProperty) => field switch
    {
        Field.Name => nameProperty,
        Field.TaskId => Api.ChatEventFields.TaskId,
        Field.SessionId => Api.ChatEventFields.SessionId,
        Field.Message => Api.ChatEventFields.Message,
        Field.DurationMs => Api.ChatEventFields.DurationMs,
        Field.SilenceTimes => Api.ChatEventFields.SilenceTimes,
        Field.CountDown => Api.ChatEventFields.CountDown,
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static bool TryReadTaskId(ref Utf8JsonReader reader, ReferenceCache? cache, out string? taskId)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                taskId = null;
                return true;
            case JsonTokenType.String:
                if (cache?.LastTaskId is { } last && reader.ValueTextEquals(last))
                {
                    taskId = last;
                    return true;
                }

                taskId = reader.GetString();
                break;
            case JsonTokenType.Number:
                // The number's own text, so 42 and "42" name the same task.
                var raw = reader.ValueSpan; // the reader runs over one span, never a sequence
                if (cache?.LastTaskId is { } lastNumber && AsciiEquals(raw, lastNumber))
                {
                    taskId = lastNumber;
                    return true;
                }

                taskId = Encoding.UTF8.GetString(raw);
                break;
            default:
                taskId = null;
                return false;
        }

        if (cache is not null)
        {
            cache.LastTaskId = taskId;
        }

        return true;
    }

    private static bool AsciiEquals(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryReadSessionId(ref Utf8JsonReader reader, string? known, out string? sessionId)
    {
        if (reader.TokenType == JsonTokenType.String && known is not null && reader.ValueTextEquals(known))
        {
            sessionId = known;
            return true;
        }

        return TryReadString(ref reader, out sessionId);
    }

    private static bool TryReadString(ref Utf8JsonReader reader, out string? value)
    {
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Null)
        {
            value = reader.GetString();
            return true;
        }

        value = null;
        return false;
    }

    private static bool TryReadInt64(ref Utf8JsonReader reader, out long value)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out value))
            {
                return true;
            }

            // Strictly inside: (double)long.MaxValue is 2^63, one past the largest long.
            if (reader.TryGetDouble(out var d) && d > long.MinValue && d < long.MaxValue)
            {
                value = (long)Math.Round(d, MidpointRounding.AwayFromZero);
                return true;
            }
        }
        else if (reader.TokenType == JsonTokenType.String
            && long.TryParse(reader.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value))
        {
            // A number sent as a string ("1200"): rare, so the string it costs is acceptable.
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryReadInt32(ref Utf8JsonReader reader, out int value)
    {
        if (TryReadInt64(ref reader, out var wide) && wide is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }

        value = 0;
        return false;
    }
}


/// <summary>The reference parser's own cache (the last task id as a string, compared by transcoding).</summary>
internal sealed class ReferenceCache
{
    /// <summary>The task id of the last event that had one.</summary>
    internal string? LastTaskId { get; set; }
}
