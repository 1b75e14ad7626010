using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using KonPro.Streaming.Events;

namespace KonPro.Streaming;

/// <summary>
/// The envelope scanner: the messages servers send almost always (one flat object, the name first or anywhere, only the
/// fields the event models, strings without escapes, integers) read by hand, without a <see cref="System.Text.Json.Utf8JsonReader"/>.
/// It never decides that a message is malformed: anything it does not fully understand (an escape, a nested value,
/// <c>true</c> or <c>false</c>, a field the event does not model, a key seen twice, a fraction, an unknown or refused
/// name, a byte out of place) sends the whole message to the reader's pass, which says what it always said. What it
/// accepts, it reads as the reader's pass reads it (<c>EnvelopeScannerAgreementTests</c> compare the two on mutated
/// and random inputs).
/// </summary>
internal static partial class StreamingEventParser
{
    /// <summary>
    /// Whether the envelope scanner reads <paramref name="utf8Json"/> itself rather than sending it to the reader's pass
    /// (no cache is involved). For the tests, which must know that the inputs they compare reach both.
    /// </summary>
    internal static bool IsEnvelope(ReadOnlySpan<byte> utf8Json, string nameProperty)
    {
        var fields = default(Fields);
        return TryReadEnvelope(utf8Json, new NameProperty(nameProperty), sessionId: null, cache: null, ref fields);
    }

    /// <summary>
    /// Reads a message the envelope scanner understands into <paramref name="fields"/> (then the caller builds the
    /// event); <see langword="false"/> sends it to the reader's pass, with <paramref name="fields"/> and
    /// <paramref name="cache"/> as the pass expects them (untouched: nothing is made or remembered before every check
    /// has passed). Checks the message's UTF-8 itself, when a string holds a byte from 0x80 up.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryReadEnvelope(
        ReadOnlySpan<byte> json,
        NameProperty name,
        string? sessionId,
        StreamingEventParserCache? cache,
        ref Fields fields)
    {
        var scan = default(EnvelopeSlots);
        var nonAscii = false;
        if (!TryScanEnvelope(json, name.Utf8, ref scan, ref nonAscii))
        {
            return false;
        }

        // Outside its strings the grammar admits ASCII only: a message whose strings are ASCII is valid UTF-8.
        if (nonAscii && !Utf8.IsValid(json))
        {
            return false;
        }

        // The name: a string the SDK models (an unknown or refused name goes to the pass, which keeps its text).
        if (scan.Name.Type != Token.String)
        {
            return false;
        }

        var kind = KindOfName(scan.Name.Of(json));
        if (kind is Kind.Unknown or Kind.ClientEvent)
        {
            return false;
        }

        // Everything that can still send the message to the pass is decided before anything is made.
        if (!IsPlain(scan.TaskId.Type, number: true)
            || !IsPlain(scan.SessionId.Type, number: false)
            || (scan.Message.Type != Token.None && (!Models(kind, Field.Message) || !IsPlain(scan.Message.Type, number: false))))
        {
            return false;
        }

        long durationMs = 0;
        int silenceTimes = 0, countDown = 0;
        if ((scan.DurationMs.Type != Token.None && (!Models(kind, Field.DurationMs) || !TryInteger(scan.DurationMs, json, out durationMs)))
            || (scan.SilenceTimes.Type != Token.None && (!Models(kind, Field.SilenceTimes) || !TryInt32(scan.SilenceTimes, json, out silenceTimes)))
            || (scan.CountDown.Type != Token.None && (!Models(kind, Field.CountDown) || !TryInt32(scan.CountDown, json, out countDown))))
        {
            return false;
        }

        fields.Found = true;
        fields.Kind = kind;
        fields.DurationMs = durationMs;
        fields.SilenceTimes = silenceTimes;
        fields.CountDown = countDown;
        fields.TaskId = scan.TaskId.Type == Token.None ? null : TaskIdOf(scan.TaskId, json, cache);
        fields.SessionId = scan.SessionId.Type == Token.String ? SessionIdOfRaw(scan.SessionId.Of(json), sessionId, cache) : null;
        fields.Message = scan.Message.Type == Token.String ? Encoding.UTF8.GetString(scan.Message.Of(json)) : null;
        return true;
    }

    // The one pass of the scanner: JSON's grammar for a flat object whose keys are the modeled fields, each once, and
    // whose values are raw strings, numbers or null; whitespace where JSON allows it. Records where each value is.
    private static bool TryScanEnvelope(ReadOnlySpan<byte> json, ReadOnlySpan<byte> nameUtf8, ref EnvelopeSlots scan, ref bool nonAscii)
    {
        var i = SkipWhitespace(json, 0);
        if (i >= json.Length || json[i] != (byte)'{')
        {
            return false;
        }

        var seen = 0;
        i = SkipWhitespace(json, i + 1);
        while (true)
        {
            // The key: a raw string naming a modeled field not seen before.
            if (i >= json.Length || json[i] != (byte)'"')
            {
                return false; // also the empty object, which names no event
            }

            var field = KeyAt(json, i + 1, nameUtf8, out var keyLength);
            var bit = 1 << (int)field;
            if (field == Field.Other || (seen & bit) != 0)
            {
                return false;
            }

            seen |= bit;
            i = SkipWhitespace(json, i + keyLength + 2);
            if (i >= json.Length || json[i] != (byte)':')
            {
                return false;
            }

            i = SkipWhitespace(json, i + 1);
            if (i >= json.Length)
            {
                return false;
            }

            // The value.
            ref var slot = ref scan.Of(field);
            var first = json[i];
            if (first == (byte)'"')
            {
                var end = EndOfRawString(json, i + 1, ref nonAscii);
                if (end < 0)
                {
                    return false;
                }

                slot = new Slot(Token.String, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (first == (byte)'-' || IsDigit(first))
            {
                var end = ScanNumber(json, i, out var integer);
                if (end < 0)
                {
                    return false;
                }

                slot = new Slot(integer ? Token.Integer : Token.Number, i, end - i);
                i = end;
            }
            else if (json[i..].StartsWith("null"u8))
            {
                slot = new Slot(Token.Null, i, 4);
                i += 4;
            }
            else
            {
                return false; // an object, an array, true, false, or not JSON: the pass reads it
            }

            // What follows a value: another member, or the end of the object and of the message.
            i = SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                return false;
            }

            if (json[i] == (byte)',')
            {
                i = SkipWhitespace(json, i + 1);
                continue;
            }

            return json[i] == (byte)'}' && SkipWhitespace(json, i + 1) == json.Length;
        }
    }

    // The index of the quote that closes the string whose contents start at `from`, or -1 when an escape (left to the
    // reader), a control character (JSON forbids them raw) or the end of the message comes first. Bytes from 0x80 up
    // are passed over and noted: the caller checks the message's UTF-8 when there were any.
    private static int EndOfRawString(ReadOnlySpan<byte> json, int from, ref bool nonAscii)
    {
        var i = from;
        if (Vector128.IsHardwareAccelerated)
        {
            ref var start = ref MemoryMarshal.GetReference(json);
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            var space = Vector128.Create((byte)0x20);
            var ascii = Vector128.Create((byte)0x7F);
            while (i <= json.Length - Vector128<byte>.Count)
            {
                var bytes = Vector128.LoadUnsafe(ref start, (nuint)i);
                var stops = Vector128.Equals(bytes, quote) | Vector128.Equals(bytes, backslash) | Vector128.LessThan(bytes, space);
                var high = Vector128.GreaterThan(bytes, ascii);
                var any = (stops | high).ExtractMostSignificantBits();
                if (any == 0)
                {
                    i += Vector128<byte>.Count;
                    continue;
                }

                var stopBits = stops.ExtractMostSignificantBits();
                var firstStop = stopBits == 0 ? Vector128<byte>.Count : BitOperations.TrailingZeroCount(stopBits);
                if (BitOperations.TrailingZeroCount(any) < firstStop)
                {
                    nonAscii = true;
                }

                if (stopBits != 0)
                {
                    i += firstStop;
                    return json[i] == (byte)'"' ? i : -1;
                }

                i += Vector128<byte>.Count;
            }
        }

        for (; i < json.Length; i++)
        {
            var b = json[i];
            if (b >= 0x80)
            {
                nonAscii = true;
            }
            else if (b is (byte)'"' or (byte)'\\' || b < 0x20)
            {
                return b == (byte)'"' ? i : -1;
            }
        }

        return -1;
    }

    // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. Returns the index after it, or -1. What
    // follows is checked by the caller (a digit after a leading 0, or any other byte out of place, is not a delimiter).
    private static int ScanNumber(ReadOnlySpan<byte> json, int i, out bool integer)
    {
        integer = true;
        if (json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !IsDigit(json[i]))
        {
            return -1;
        }

        if (json[i++] != (byte)'0')
        {
            while (i < json.Length && IsDigit(json[i]))
            {
                i++;
            }
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            integer = false;
            if (++i >= json.Length || !IsDigit(json[i]))
            {
                return -1;
            }

            while (i < json.Length && IsDigit(json[i]))
            {
                i++;
            }
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            integer = false;
            if (++i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (i >= json.Length || !IsDigit(json[i]))
            {
                return -1;
            }

            while (i < json.Length && IsDigit(json[i]))
            {
                i++;
            }
        }

        return i;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    // JSON's whitespace: space, tab, line feed, carriage return. Compact JSON has none: one look.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i) =>
        (uint)i < (uint)json.Length && json[i] > (byte)' ' ? i : SkipSomeWhitespace(json, i);

    private static int SkipSomeWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    // The key whose bytes start at `at` (after its opening quote): the name property or a modeled field, matched with
    // its closing quote (so a key with an escape, a longer key or an unterminated one is Other, and goes to the pass), by
    // its first byte, then constant compares the JIT unrolls.
    private static Field KeyAt(ReadOnlySpan<byte> json, int at, ReadOnlySpan<byte> nameUtf8, out int length)
    {
        var key = json[at..];
        var field = key.IsEmpty ? Field.Other : key[0] switch
        {
            (byte)'e' when key.StartsWith("event_type\""u8) => Field.Name,
            (byte)'t' when key.StartsWith("task_id\""u8) => Field.TaskId,
            (byte)'t' when key.StartsWith("type\""u8) => Field.Name,
            (byte)'s' when key.StartsWith("session_id\""u8) => Field.SessionId,
            (byte)'m' when key.StartsWith("message\""u8) => Field.Message,
            (byte)'d' when key.StartsWith("duration_ms\""u8) => Field.DurationMs,
            (byte)'s' when key.StartsWith("silence_times\""u8) => Field.SilenceTimes,
            (byte)'c' when key.StartsWith("count_down\""u8) => Field.CountDown,
            _ => Field.Other,
        };

        length = field switch
        {
            Field.Name => key[0] == (byte)'e' ? 10 : 4,
            Field.TaskId or Field.Message => 7,
            Field.SessionId or Field.CountDown => 10,
            Field.DurationMs => 11,
            Field.SilenceTimes => 13,
            _ => 0,
        };

        if (field == Field.Name && !key[..length].SequenceEqual(nameUtf8))
        {
            // The other channel's name property: on this channel, a field the event does not model.
            field = Field.Other;
        }

        if (field == Field.Other && key.Length > nameUtf8.Length && key.StartsWith(nameUtf8) && key[nameUtf8.Length] == (byte)'"')
        {
            // A name property other than the two channels' (the parser takes any).
            field = Field.Name;
            length = nameUtf8.Length;
        }

        return field;
    }

    // An event name's raw bytes (no escapes): the one table of the names the parser knows (KindOf reads the reader's
    // token through it).
    private static Kind KindOfName(ReadOnlySpan<byte> name) => name.Length switch
    {
        9 when name.SequenceEqual("user_stop"u8) => Kind.UserStop,
        10 when name.SequenceEqual("user_start"u8) => Kind.UserStart,
        12 when name.SequenceEqual("user_silence"u8) => Kind.UserSilence,
        12 when name.SequenceEqual("stream_ready"u8) => Kind.ClientEvent,
        16 when name.SequenceEqual("user_end_message"u8) => Kind.UserEndMessage,
        18 when name.SequenceEqual("avatar_end_message"u8) => Kind.AvatarEndMessage,
        18 when name.SequenceEqual("stream_reconnected"u8) => Kind.ClientEvent,
        19 when name.SequenceEqual("avatar_stop_talking"u8) => Kind.AvatarStopTalking,
        19 when name.SequenceEqual("stream_disconnected"u8) => Kind.ClientEvent,
        20 when name.SequenceEqual("avatar_start_talking"u8) => Kind.AvatarStartTalking,
        20 when name.SequenceEqual("user_talking_message"u8) => Kind.UserTalkingMessage,
        22 when name.SequenceEqual("avatar_talking_message"u8) => Kind.AvatarTalkingMessage,
        26 when name.SequenceEqual("connection_quality_changed"u8) => Kind.ClientEvent,
        _ => Kind.Unknown,
    };

    // The value types the pass takes for a field (strings and null; numbers too for the task id); any other is an extra
    // field, which only the pass makes. An absent field is plain.
    private static bool IsPlain(Token type, bool number) =>
        type is Token.None or Token.String or Token.Null || (number && type is Token.Integer or Token.Number);

    // An integer literal that fits a long, read as the reader's TryGetInt64 reads it; a fraction, an exponent or a
    // larger integer (which the pass rounds through a double) goes to the pass.
    private static bool TryInteger(Slot slot, ReadOnlySpan<byte> json, out long value)
    {
        value = 0;
        var digits = slot.Of(json);
        return slot.Type == Token.Integer && Utf8Parser.TryParse(digits, out value, out var consumed) && consumed == digits.Length;
    }

    private static bool TryInt32(Slot slot, ReadOnlySpan<byte> json, out int value)
    {
        if (TryInteger(slot, json, out var wide) && wide is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }

        value = 0;
        return false;
    }

    // As TryReadTaskId: a raw string or the number's own text; null for null.
    private static string? TaskIdOf(Slot slot, ReadOnlySpan<byte> json, StreamingEventParserCache? cache) =>
        slot.Type == Token.Null ? null : TaskIdOfRaw(slot.Of(json), cache);

    private enum Token : byte
    {
        None,
        String,
        Integer,
        Number,
        Null,
    }

    // Where one value is in the message: its raw bytes (a string's without the quotes).
    private readonly record struct Slot(Token Type, int Start, int Length)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> json) => json.Slice(Start, Length);
    }

    // One slot per modeled field.
    private struct EnvelopeSlots
    {
        public Slot Name;
        public Slot TaskId;
        public Slot SessionId;
        public Slot Message;
        public Slot DurationMs;
        public Slot SilenceTimes;
        public Slot CountDown;

        [System.Diagnostics.CodeAnalysis.UnscopedRef]
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref Slot Of(Field field)
        {
            switch (field)
            {
                case Field.Name: return ref Name;
                case Field.TaskId: return ref TaskId;
                case Field.SessionId: return ref SessionId;
                case Field.Message: return ref Message;
                case Field.DurationMs: return ref DurationMs;
                case Field.SilenceTimes: return ref SilenceTimes;
                default: return ref CountDown;
            }
        }
    }
}
