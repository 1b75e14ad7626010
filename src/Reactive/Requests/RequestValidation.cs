using System.Globalization;
using System.Text;

namespace KonPro.Streaming;

/// <summary>
/// Checks requests before anything goes over the wire. Each failure names the field (as a property path of
/// the request) and the allowed values.
/// </summary>
internal static class RequestValidation
{
    public const double MinVoiceRate = Api.KonProLimits.MinVoiceRate;
    public const double MaxVoiceRate = Api.KonProLimits.MaxVoiceRate;
    public const int MinActivityIdleTimeout = Api.KonProLimits.MinActivityIdleTimeout;
    public const int MaxActivityIdleTimeout = Api.KonProLimits.MaxActivityIdleTimeout;

    public static void Validate(StartAvatarRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        if (request.AvatarName is { } avatar && string.IsNullOrWhiteSpace(avatar))
        {
            throw new ArgumentException("AvatarName must not be empty or white space; leave it null for the default avatar.", "request.AvatarName");
        }

        if (request.Voice is { } voice)
        {
            if (voice.Rate is { } rate)
            {
                Range(rate, MinVoiceRate, MaxVoiceRate, "request.Voice.Rate", "Voice.Rate");
            }

            if (voice.ElevenLabsSettings is { } eleven)
            {
                UnitRange(eleven.Stability, "request.Voice.ElevenLabsSettings.Stability", "Voice.ElevenLabsSettings.Stability");
                UnitRange(eleven.SimilarityBoost, "request.Voice.ElevenLabsSettings.SimilarityBoost", "Voice.ElevenLabsSettings.SimilarityBoost");
                UnitRange(eleven.Style, "request.Voice.ElevenLabsSettings.Style", "Voice.ElevenLabsSettings.Style");
                Defined(eleven.ModelId, "request.Voice.ElevenLabsSettings.ModelId");
            }

            Defined(voice.Emotion, "request.Voice.Emotion");
        }

        if (request.SttSettings is { } stt)
        {
            UnitRange(stt.Confidence, "request.SttSettings.Confidence", "SttSettings.Confidence");
            Defined(stt.Provider, "request.SttSettings.Provider");
        }

        if (request.ActivityIdleTimeout is { } idle && (idle < MinActivityIdleTimeout || idle > MaxActivityIdleTimeout))
        {
            throw new ArgumentOutOfRangeException(
                "request.ActivityIdleTimeout",
                idle,
                string.Create(CultureInfo.InvariantCulture, $"ActivityIdleTimeout must be between {MinActivityIdleTimeout} and {MaxActivityIdleTimeout} seconds."));
        }

        if (request.Language is { } language && !IsBasicLanguageCode(language))
        {
            throw new ArgumentException(
                $"Language must be a basic language code of two or three letters such as 'en' or 'ja' (locale tags such as 'en-US' are not supported); was '{language}'.",
                "request.Language");
        }

        WellFormed(request.AvatarName, "request.AvatarName");
        WellFormed(request.KnowledgeId, "request.KnowledgeId");
        WellFormed(request.KnowledgeBase, "request.KnowledgeBase");
        WellFormed(request.Version, "request.Version");
        WellFormed(request.Voice?.VoiceId, "request.Voice.VoiceId");
        WellFormed(request.LiveKitSettings?.Url, "request.LiveKitSettings.Url");
        WellFormed(request.LiveKitSettings?.Room, "request.LiveKitSettings.Room");
        WellFormed(request.LiveKitSettings?.Token, "request.LiveKitSettings.Token");
        Defined(request.Quality, "request.Quality");
        Defined(request.VideoEncoding, "request.VideoEncoding");
        Defined(request.VoiceChatTransport, "request.VoiceChatTransport");
    }

    public static void Validate(SpeakRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateText(request.Text, "request.Text", "Text");
        Defined<TaskType>(request.TaskType, "request.TaskType");
        Defined<TaskMode>(request.TaskMode, "request.TaskMode");
    }

    public static void ValidateMessage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateText(text, nameof(text), "The message");
    }

    /// <summary>
    /// The rules of a task's or a typed message's text: not empty; valid Unicode (no unpaired UTF-16 surrogate, which
    /// would otherwise be sent as U+FFFD); at most <see cref="SpeakRequest.MaxTextLength"/> Unicode scalar values
    /// (code points: an emoji such as U+1F600 is one, although it takes two UTF-16
    /// chars); at least one visible character.
    /// </summary>
    private static void ValidateText(string? text, string paramName, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{field} must not be empty (1 to {SpeakRequest.MaxTextLength} characters)."),
                paramName);
        }

        var scalars = 0;
        var visible = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            Rune rune;
            if (!char.IsSurrogate(c))
            {
                rune = new Rune(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                rune = new Rune(c, text[++i]);
            }
            else
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{field} is not valid Unicode: it has an unpaired surrogate U+{(int)c:X4} at index {i}. Pair it or remove it; it is not sent as a replacement character."),
                    paramName);
            }

            scalars++;
            visible = visible || IsVisible(rune);
        }

        if (scalars > SpeakRequest.MaxTextLength)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                scalars,
                string.Create(CultureInfo.InvariantCulture, $"{field} must be at most {SpeakRequest.MaxTextLength} characters, counted as Unicode code points (an emoji such as U+1F600 is 1, a flag is 2); it has {scalars}. Split it with SpeakRequest.SplitText."));
        }

        if (!visible)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{field} must contain at least one visible character; it has only white space, zero-width, formatting or other invisible characters ({scalars} code points)."),
                paramName);
        }
    }

    /// <summary>Whether a character shows on its own: not white space, a control, a format (zero-width) character, a combining mark or a blank filler.</summary>
    internal static bool IsVisible(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune))
        {
            return false;
        }

        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Surrogate:
                // Unassigned code points count as visible: they may be characters newer than this runtime's tables.
                return false;
        }

        // Letters and symbols that render blank: Hangul fillers, the braille blank, the Mongolian vowel separator.
        return rune.Value is not (0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 or 0x180E);
    }

    // Every string the request sends: an unpaired surrogate would silently become U+FFFD on the wire. The message
    // names the field and the position, never the value (a token may be one of them).
    private static void WellFormed(string? value, string paramName)
    {
        if (value is null)
        {
            return;
        }

        var at = IndexOfUnpairedSurrogate(value);
        if (at >= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{paramName["request.".Length..]} is not valid Unicode: it has an unpaired surrogate U+{(int)value[at]:X4} at index {at}."),
                paramName);
        }
    }

    private static int IndexOfUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (!char.IsSurrogate(value[i]))
            {
                continue;
            }

            if (!char.IsHighSurrogate(value[i]) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    internal static bool IsBasicLanguageCode(string language)
    {
        if (language.Length is < 2 or > 3)
        {
            return false;
        }

        foreach (var c in language)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    private static void UnitRange(double? value, string paramName, string field)
    {
        if (value is { } number)
        {
            Range(number, 0, 1, paramName, field);
        }
    }

    private static void Range(double value, double min, double max, string paramName, string field)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                value,
                string.Create(CultureInfo.InvariantCulture, $"{field} must be between {min} and {max}."));
        }
    }

    private static void Defined<TEnum>(TEnum? value, string paramName)
        where TEnum : struct, Enum
    {
        if (value is { } v && !Enum.IsDefined(v))
        {
            throw new ArgumentOutOfRangeException(paramName, v, $"{paramName} must be one of: {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }
}
