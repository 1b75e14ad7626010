using System.Globalization;

namespace KonPro.StreamingAvatar;

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

        Defined(request.Quality, "request.Quality");
        Defined(request.VideoEncoding, "request.VideoEncoding");
        Defined(request.VoiceChatTransport, "request.VoiceChatTransport");
    }

    public static void Validate(SpeakRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new ArgumentException("Text must not be empty (1 to 1000 characters).", "request.Text");
        }

        if (request.Text.Length > SpeakRequest.MaxTextLength)
        {
            throw new ArgumentOutOfRangeException(
                "request.Text",
                request.Text.Length,
                string.Create(CultureInfo.InvariantCulture, $"Text must be at most {SpeakRequest.MaxTextLength} characters (was {request.Text.Length}); split it with SpeakRequest.SplitText."));
        }

        Defined<TaskType>(request.TaskType, "request.TaskType");
        Defined<TaskMode>(request.TaskMode, "request.TaskMode");
    }

    public static void ValidateMessage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("The message must not be empty (1 to 1000 characters).", nameof(text));
        }

        if (text.Length > SpeakRequest.MaxTextLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(text),
                text.Length,
                string.Create(CultureInfo.InvariantCulture, $"The message must be at most {SpeakRequest.MaxTextLength} characters; split it with SpeakRequest.SplitText."));
        }
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
