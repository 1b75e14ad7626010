using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using KonPro.Streaming.Events;

namespace KonPro.Streaming;

/// <summary>
/// Parses one wire message (a UTF-8 JSON object) into a typed <see cref="StreamingEvent"/> without
/// reflection and without a serializer: the common message is read by the envelope scanner (StreamingEventParser.Envelope.cs,
/// ADR 0020), and any other by one <see cref="Utf8JsonReader"/> pass that checks the whole message and reads the
/// fields of its event as it goes (the names compared as UTF-8, never transcoded). Unknown names become <see cref="UnknownStreamingEvent"/>;
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
internal static partial class StreamingEventParser
{
    /// <summary>The name property on the chat socket.</summary>
    internal const string ChatSocketNameProperty = Api.ChatProtocol.EventNameProperty;

    /// <summary>The name property on the LiveKit data channel.</summary>
    internal const string DataChannelNameProperty = Api.ChatProtocol.RoomEventNameProperty;

    private static readonly byte[] ChatSocketNameUtf8 = Encoding.UTF8.GetBytes(ChatSocketNameProperty);
    private static readonly byte[] DataChannelNameUtf8 = Encoding.UTF8.GetBytes(DataChannelNameProperty);

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
        StreamingEventParserCache? cache,
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
        StreamingEventParserCache? cache,
        out StreamingEvent? evt,
        out string? clientEventName) =>
        Parse(utf8Json, nameProperty, sessionId, receivedAt.UtcTicks, receivedAt.Offset, anchor: null, cache, envelope: true, out evt, out clientEventName);

    /// <summary>Parses one message stamped by a <see cref="ReceiveClock"/> and says what it was.</summary>
    /// <param name="utf8Json">The whole message.</param>
    /// <param name="nameProperty"><c>event_type</c> on the chat socket, <c>type</c> on the LiveKit data channel.</param>
    /// <param name="sessionId">The session the message came from (used when the message does not name one).</param>
    /// <param name="received">When the message arrived: the event keeps its anchor, so the deduplicator reads no clock.</param>
    /// <param name="cache">A per-connection cache of the last task id and the shared context, or <see langword="null"/>.</param>
    /// <param name="evt">The event, for <see cref="WireParseResult.Event"/>; otherwise <see langword="null"/>.</param>
    /// <param name="clientEventName">The refused name, for <see cref="WireParseResult.ClientEventName"/>.</param>
    /// <returns>What the message was. Never throws for any input.</returns>
    internal static WireParseResult Parse(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        string? sessionId,
        ReceiveStamp received,
        StreamingEventParserCache? cache,
        out StreamingEvent? evt,
        out string? clientEventName) =>
        Parse(utf8Json, nameProperty, sessionId, received.UtcTicks, TimeSpan.Zero, received.Anchor, cache, envelope: true, out evt, out clientEventName);

    /// <summary>
    /// <see cref="Parse(ReadOnlySpan{byte}, string, string?, DateTimeOffset, StreamingEventParserCache?, out StreamingEvent?, out string?)"/>
    /// without the envelope scanner: every message through the <see cref="Utf8JsonReader"/> pass. What the scanner's
    /// results are held to (the tests compare the two on the same inputs).
    /// </summary>
    internal static WireParseResult ParseWithReader(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        string? sessionId,
        DateTimeOffset receivedAt,
        StreamingEventParserCache? cache,
        out StreamingEvent? evt,
        out string? clientEventName) =>
        Parse(utf8Json, nameProperty, sessionId, receivedAt.UtcTicks, receivedAt.Offset, anchor: null, cache, envelope: false, out evt, out clientEventName);

    private static WireParseResult Parse(
        ReadOnlySpan<byte> utf8Json,
        string nameProperty,
        string? sessionId,
        long receivedAtUtcTicks,
        TimeSpan offset,
        ClockAnchor? anchor,
        StreamingEventParserCache? cache,
        bool envelope,
        out StreamingEvent? evt,
        out string? clientEventName)
    {
        ArgumentNullException.ThrowIfNull(nameProperty);
        evt = null;
        clientEventName = null;
        try
        {
            var name = new NameProperty(nameProperty);
            var fields = default(Fields);
            if (envelope && TryReadEnvelope(utf8Json, name, sessionId, cache, ref fields))
            {
                // The common message, read without the reader, its UTF-8 checked (see StreamingEventParser.Envelope.cs).
                evt = Build(utf8Json, ref fields, ContextOf(ref fields, sessionId, offset, anchor, cache), receivedAtUtcTicks);
                return WireParseResult.Event;
            }

            // One vectorized pass over the whole message: outside strings the reader accepts ASCII only, so this is
            // the UTF-8 check of every string, at a fraction of the cost of checking each one.
            if (!Utf8.IsValid(utf8Json))
            {
                return WireParseResult.Malformed;
            }

            var read = ReadFields(utf8Json, name, sessionId, cache, ref fields);
            if (read == ReadResult.KindLate)
            {
                // A field whose meaning depends on the event (message, duration_ms, silence_times, count_down) came
                // before the name: the whole message is valid, so read it again now that the kind is known. Servers
                // send the name first; this keeps any other order exactly as it was read before.
                var kind = fields.Kind;
                var kindName = fields.KindName;
                fields = new Fields { Found = true, Kind = kind, KindName = kindName };
                read = ReadFields(utf8Json, name, sessionId, cache, ref fields);
            }

            if (read != ReadResult.Done)
            {
                return WireParseResult.Malformed;
            }

            if (fields.Kind == Kind.ClientEvent)
            {
                // The SDK raises these itself, from its own transports; a message carrying one of their names is not
                // that event (ADR 0006), whoever sent it.
                clientEventName = fields.KindName;
                return WireParseResult.ClientEventName;
            }

            evt = Build(utf8Json, ref fields, ContextOf(ref fields, sessionId, offset, anchor, cache), receivedAtUtcTicks);
            return WireParseResult.Event;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // JsonException: not JSON, nested too deep, truncated, trailing data. The others cannot come from input
            // the pass accepted (it checks every string before it reads one); they are caught so that no input ever
            // escapes as an exception into a receive loop.
            evt = null;
            clientEventName = null;
            return WireParseResult.Malformed;
        }
    }

    private static EventContext ContextOf(ref Fields fields, string? sessionId, TimeSpan offset, ClockAnchor? anchor, StreamingEventParserCache? cache)
    {
        var sid = fields.SessionId ?? sessionId;
        return fields.Extra is { } extra ? new EventContext(sid, extra, offset, anchor)
            : cache is not null ? cache.Context(sid, offset, anchor)
            : new EventContext(sid, StreamingEvent.NoExtraFields, offset, anchor);
    }

    // The one pass: validates the whole document (JSON syntax to its end, the escapes of every string; the UTF-8 was
    // checked before) and reads the fields the event models as it goes, keeping the rest. Nothing is built until the
    // pass has reached the end, so a message that fails anywhere yields no event at all.
    private static ReadResult ReadFields(
        ReadOnlySpan<byte> utf8Json,
        NameProperty name,
        string? sessionId,
        StreamingEventParserCache? cache,
        ref Fields fields)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ReadResult.Malformed;
        }

        var nameSeen = false;
        var kindLate = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!IsValidText(ref reader))
            {
                return ReadResult.Malformed;
            }

            var field = Field.Other;
            if (!nameSeen && reader.ValueTextEquals(name.Utf8))
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
            else if (reader.ValueTextEquals("message"u8))
            {
                field = Field.Message;
            }
            else if (reader.ValueTextEquals("duration_ms"u8))
            {
                field = Field.DurationMs;
            }
            else if (reader.ValueTextEquals("silence_times"u8))
            {
                field = Field.SilenceTimes;
            }
            else if (reader.ValueTextEquals("count_down"u8))
            {
                field = Field.CountDown;
            }

            if (field >= Field.Message)
            {
                if (!fields.Found)
                {
                    // Its meaning waits for the name: check it now, read it once the name is known.
                    kindLate = true;
                    reader.Read();
                    if (!SkipValidating(ref reader))
                    {
                        return ReadResult.Malformed;
                    }

                    continue;
                }

                if (!Models(fields.Kind, field))
                {
                    field = Field.Other;
                }
            }

            // Only unknown fields need their name as a string; a later copy of the name property is one of them.
            var otherName = field == Field.Other ? reader.GetString()! : null;
            var isName = otherName is not null && !fields.Found && reader.ValueTextEquals(name.Utf8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && !IsValidText(ref reader))
            {
                return ReadResult.Malformed;
            }

            if ((field == Field.Name || isName) && reader.TokenType == JsonTokenType.String && !fields.Found)
            {
                // The first name that is a string names the event.
                fields.Found = true;
                fields.Kind = KindOf(ref reader);
                if (fields.Kind is Kind.Unknown or Kind.ClientEvent)
                {
                    fields.KindName = reader.GetString();
                }
            }

            var taken = field switch
            {
                Field.Name => nameSeen = true,
                Field.TaskId => TryReadTaskId(ref reader, cache, out fields.TaskId),
                Field.SessionId => TryReadSessionId(ref reader, sessionId, cache, out fields.SessionId),
                Field.Message => TryReadString(ref reader, out fields.Message),
                Field.DurationMs => TryReadInt64(ref reader, out fields.DurationMs),
                Field.SilenceTimes => TryReadInt32(ref reader, out fields.SilenceTimes),
                Field.CountDown => TryReadInt32(ref reader, out fields.CountDown),
                _ => false,
            };

            if (!taken)
            {
                // An unknown field, or a known one with an unexpected JSON type: pass it through as data, once every
                // string in it has been checked.
                otherName ??= FieldName(field, name.Text);
                var start = reader;
                if (!SkipValidating(ref reader))
                {
                    return ReadResult.Malformed;
                }

                fields.Extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                fields.Extra[otherName] = JsonElement.ParseValue(ref start);
            }
            else if (!SkipValidating(ref reader))
            {
                return ReadResult.Malformed;
            }
        }

        // The end of the object must be the end of the message: trailing data makes the reader throw.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return ReadResult.Malformed;
        }

        return !fields.Found ? ReadResult.Malformed : kindLate ? ReadResult.KindLate : ReadResult.Done;
    }

    // Moves past the value the reader is on (a scalar stays where it is, a container is read to its end), checking
    // every string in it.
    private static bool SkipValidating(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return true;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String && !IsValidText(ref reader))
            {
                return false;
            }
        }

        return true;
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

    // Six bytes for each byte of "connection_quality_changed" (26), the longest name KindOfName knows, all escaped.
    private const int MaxEscapedNameLength = 6 * 26;

    private static Kind KindOf(ref Utf8JsonReader reader)
    {
        // The name's raw bytes go through the one table of names (KindOfName); no string is created for a known name.
        if (!reader.ValueIsEscaped)
        {
            return KindOfName(reader.ValueSpan); // the reader runs over one span, never a sequence
        }

        // An escaped name (rare): unescaped first. An escape stands for at least one byte in six, so a value longer than
        // six times the longest known name cannot be one.
        if (reader.ValueSpan.Length > MaxEscapedNameLength)
        {
            return Kind.Unknown;
        }

        Span<byte> unescaped = stackalloc byte[MaxEscapedNameLength];
        return KindOfName(unescaped[..reader.CopyString(unescaped)]);
    }

    // Whether the event of this kind models the (kind-dependent) field; otherwise it is one of the extra fields.
    private static bool Models(Kind kind, Field field) => field switch
    {
        Field.Message => kind is Kind.AvatarTalkingMessage or Kind.UserTalkingMessage,
        Field.DurationMs => kind == Kind.AvatarStopTalking,
        Field.SilenceTimes or Field.CountDown => kind == Kind.UserSilence,
        _ => true,
    };

    private static StreamingEvent Build(ReadOnlySpan<byte> utf8Json, ref Fields fields, EventContext context, long receivedAtUtcTicks)
    {
        var taskId = fields.TaskId;

        // Every record is built with one object initializer: one allocation (the context is the connection's, shared),
        // no `with` copy.
        return fields.Kind switch
        {
            Kind.AvatarStartTalking => new AvatarStartTalking
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks,
            },
            Kind.AvatarTalkingMessage => new AvatarTalkingMessage
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks, Message = fields.Message ?? string.Empty,
            },
            Kind.AvatarEndMessage => new AvatarEndMessage
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks,
            },
            Kind.AvatarStopTalking => new AvatarStopTalking
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks, DurationMs = fields.DurationMs,
            },
            Kind.UserStart => new UserStart
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks,
            },
            Kind.UserStop => new UserStop
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks,
            },
            Kind.UserTalkingMessage => new UserTalkingMessage
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks, Message = fields.Message ?? string.Empty,
            },
            Kind.UserEndMessage => new UserEndMessage
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks,
            },
            Kind.UserSilence => new UserSilence
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks, SilenceTimes = fields.SilenceTimes, CountDown = fields.CountDown,
            },
            _ => new UnknownStreamingEvent(fields.KindName!, Encoding.UTF8.GetString(utf8Json))
            {
                TaskId = taskId, Context = context, ReceivedAtUtcTicks = receivedAtUtcTicks,
            },
        };
    }

    private enum ReadResult
    {
        Done,
        Malformed,

        /// <summary>Valid, but a kind-dependent field came before the name: read again with the kind known.</summary>
        KindLate,
    }

    // What the pass has read so far.
    private struct Fields
    {
        public bool Found;
        public Kind Kind;
        public string? KindName;
        public string? TaskId;
        public string? SessionId;
        public string? Message;
        public long DurationMs;
        public int SilenceTimes;
        public int CountDown;
        public Dictionary<string, JsonElement>? Extra;
    }

    // The name property as text (for an extra field's name) and as UTF-8 (compared with the raw bytes).
    private readonly ref struct NameProperty
    {
        public NameProperty(string text)
        {
            Text = text;
            Utf8 = text == ChatSocketNameProperty ? ChatSocketNameUtf8
                : text == DataChannelNameProperty ? DataChannelNameUtf8
                : Encoding.UTF8.GetBytes(text);
        }

        public string Text { get; }

        public ReadOnlySpan<byte> Utf8 { get; }
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

    private static bool TryReadTaskId(ref Utf8JsonReader reader, StreamingEventParserCache? cache, out string? taskId)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                taskId = null;
                return true;
            case JsonTokenType.String when reader.ValueIsEscaped:
                // Compared with the cached id's UTF-8 bytes as text: the escapes are undone by the comparison.
                if (cache?.LastTaskId is { } last && reader.ValueTextEquals(cache.LastTaskIdUtf8))
                {
                    taskId = last;
                    return true;
                }

                taskId = SpokenOfEscaped(ref reader, cache) ?? reader.GetString()!;
                cache?.Remember(taskId);
                return true;
            case JsonTokenType.String or JsonTokenType.Number:
                // A raw string's bytes, or the number's own text (so 42 and "42" name the same task). The reader runs
                // over one span, never a sequence.
                taskId = TaskIdOfRaw(reader.ValueSpan, cache);
                return true;
            default:
                taskId = null;
                return false;
        }
    }

    // A task id's raw bytes (a string without escapes, or a number's text): the cached instance when they are its bytes,
    // so nothing is transcoded for the many events of one task.
    private static string TaskIdOfRaw(ReadOnlySpan<byte> raw, StreamingEventParserCache? cache)
    {
        if (cache?.LastTaskId is { } last && raw.SequenceEqual(cache.LastTaskIdUtf8))
        {
            return last;
        }

        // A new task: the id a speak call of this client got for it, when it is one (SpokenTaskIds), else a new string.
        var taskId = cache?.Spoken?.Find(raw) ?? Encoding.UTF8.GetString(raw);
        cache?.Remember(taskId, raw);
        return taskId;
    }

    // Task ids are short; an escaped one longer than this (rare twice over) is not looked up among the spoken ids.
    private const int MaxEscapedTaskIdLength = 256;

    // An escaped task id (rare): the spoken id whose text it is once unescaped, or null.
    private static string? SpokenOfEscaped(ref Utf8JsonReader reader, StreamingEventParserCache? cache)
    {
        if (cache?.Spoken is not { } spoken || reader.ValueSpan.Length > MaxEscapedTaskIdLength)
        {
            return null;
        }

        Span<byte> unescaped = stackalloc byte[MaxEscapedTaskIdLength];
        return spoken.Find(unescaped[..reader.CopyString(unescaped)]);
    }

    private static bool TryReadSessionId(ref Utf8JsonReader reader, string? known, StreamingEventParserCache? cache, out string? sessionId)
    {
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
        {
            sessionId = SessionIdOfRaw(reader.ValueSpan, known, cache);
            return true;
        }

        if (reader.TokenType == JsonTokenType.String && known is not null && reader.ValueTextEquals(known))
        {
            sessionId = known;
            return true;
        }

        return TryReadString(ref reader, out sessionId);
    }

    // A session id's raw bytes (a string without escapes): the connection's own session id instance when they are its
    // bytes.
    private static string SessionIdOfRaw(ReadOnlySpan<byte> raw, string? known, StreamingEventParserCache? cache)
    {
        if (known is null)
        {
            return Encoding.UTF8.GetString(raw);
        }

        if (cache is not null)
        {
            return raw.SequenceEqual(cache.SessionIdUtf8(known)) ? known : Encoding.UTF8.GetString(raw);
        }

        if (Ascii.Equals(raw, known))
        {
            return known;
        }

        // Without a cache, and not the same ASCII: the same text still means the known instance.
        var text = Encoding.UTF8.GetString(raw);
        return string.Equals(text, known, StringComparison.Ordinal) ? known : text;
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

/// <summary>What one wire message was.</summary>
internal enum WireParseResult
{
    /// <summary>An event (a known one, or an <see cref="UnknownStreamingEvent"/>).</summary>
    Event,

    /// <summary>Not a JSON object with a string name (see <see cref="StreamingEventParser.TryParse(ReadOnlySpan{byte}, string, string?, DateTimeOffset, out StreamingEvent?)"/>).</summary>
    Malformed,

    /// <summary>Named like an event only the SDK raises: not that event, refused.</summary>
    ClientEventName,
}

/// <summary>
/// Per-connection memory of the parser (the last task id, and the session id, with their UTF-8 bytes), so that the
/// many events of one task share one string and neither id is transcoded to be compared; and, when the session gives
/// it, the ids its speak calls got (<see cref="SpokenTaskIds"/>), so that a task this client started has that very
/// string as its events' id. Not thread-safe: one per receive loop (the spoken ids are the one shared part, made for it).
/// </summary>
internal sealed class StreamingEventParserCache
{
    private byte[] _lastTaskIdUtf8 = new byte[64];
    private int _lastTaskIdLength;
    private string? _sessionId;
    private byte[] _sessionIdUtf8 = [];
    private EventContext? _context;

    /// <summary>A cache of a connection whose events reuse no spoken task id (tests, benchmarks, a parser on its own).</summary>
    internal StreamingEventParserCache()
    {
    }

    /// <summary>A cache whose new task ids are first looked up among <paramref name="spoken"/> (the session's speak calls' ids).</summary>
    internal StreamingEventParserCache(SpokenTaskIds? spoken) => Spoken = spoken;

    /// <summary>The ids of the tasks the session's speak calls started, shared with the session's other channel; or <see langword="null"/>.</summary>
    internal SpokenTaskIds? Spoken { get; }

    /// <summary>The task id of the last event that had one.</summary>
    internal string? LastTaskId { get; private set; }

    /// <summary>The UTF-8 bytes of <see cref="LastTaskId"/> (empty when there is none).</summary>
    internal ReadOnlySpan<byte> LastTaskIdUtf8 => _lastTaskIdUtf8.AsSpan(0, _lastTaskIdLength);

    /// <summary>Remembers <paramref name="taskId"/> as the last task id; its bytes go in a buffer reused from task to task.</summary>
    internal void Remember(string taskId)
    {
        LastTaskId = taskId;
        var length = Encoding.UTF8.GetByteCount(taskId);
        if (length > _lastTaskIdUtf8.Length)
        {
            _lastTaskIdUtf8 = new byte[length];
        }

        _lastTaskIdLength = Encoding.UTF8.GetBytes(taskId, _lastTaskIdUtf8);
    }

    /// <summary>Remembers <paramref name="taskId"/>, whose UTF-8 bytes the caller has (<paramref name="utf8"/>), as the last task id.</summary>
    internal void Remember(string taskId, ReadOnlySpan<byte> utf8)
    {
        LastTaskId = taskId;
        if (utf8.Length > _lastTaskIdUtf8.Length)
        {
            _lastTaskIdUtf8 = new byte[utf8.Length];
        }

        utf8.CopyTo(_lastTaskIdUtf8);
        _lastTaskIdLength = utf8.Length;
    }

    /// <summary>
    /// The context the connection's events share (no extra fields): the one made for the last event, while its session
    /// id (the same instance), offset and clock anchor stay the same, so an event costs no context of its own.
    /// </summary>
    internal EventContext Context(string? sessionId, TimeSpan offset, ClockAnchor? anchor)
    {
        var context = _context;
        if (context is null || !ReferenceEquals(context.SessionId, sessionId) || context.Offset != offset || !ReferenceEquals(context.Anchor, anchor))
        {
            context = new EventContext(sessionId, StreamingEvent.NoExtraFields, offset, anchor);
            _context = context;
        }

        return context;
    }

    /// <summary>The UTF-8 bytes of <paramref name="sessionId"/>, encoded once per session id.</summary>
    internal ReadOnlySpan<byte> SessionIdUtf8(string sessionId)
    {
        if (!ReferenceEquals(sessionId, _sessionId))
        {
            _sessionIdUtf8 = Encoding.UTF8.GetBytes(sessionId);
            _sessionId = sessionId;
        }

        return _sessionIdUtf8;
    }
}
