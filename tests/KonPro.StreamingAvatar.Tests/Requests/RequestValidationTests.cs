namespace KonPro.Streaming.Tests.Requests;

public sealed class RequestValidationTests
{
    [Theory]
    [InlineData(0.49)]
    [InlineData(1.51)]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    public void Voice_rate_outside_half_to_one_and_a_half_is_rejected(double rate)
    {
        var act = () => RequestValidation.Validate(new StartAvatarRequest { Voice = new VoiceSetting { Rate = rate } });

        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "request.Voice.Rate" && e.Message.Contains("between 0.5 and 1.5"));
    }

    [Theory]
    [InlineData(0.5, -1)]
    [InlineData(1.5, +1)]
    public void Voice_rate_bounds_are_inclusive_and_exact(double bound, int outward)
    {
        Action Validating(double rate) => () => RequestValidation.Validate(new StartAvatarRequest { Voice = new VoiceSetting { Rate = rate } });
        var beyond = outward < 0 ? Math.BitDecrement(bound) : Math.BitIncrement(bound);

        Validating(bound).Should().NotThrow();
        Validating(beyond).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "request.Voice.Rate");
    }

    [Theory]
    [InlineData(29)]
    [InlineData(3601)]
    [InlineData(0)]
    public void Activity_idle_timeout_outside_30_to_3600_is_rejected(int seconds)
    {
        var act = () => RequestValidation.Validate(new StartAvatarRequest { ActivityIdleTimeout = seconds });

        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "request.ActivityIdleTimeout" && e.Message.Contains("between 30 and 3600"));
    }

    [Theory]
    [InlineData(30, -1)]
    [InlineData(3600, +1)]
    public void Activity_idle_timeout_bounds_are_inclusive_and_exact(int bound, int outward)
    {
        Action Validating(int seconds) => () => RequestValidation.Validate(new StartAvatarRequest { ActivityIdleTimeout = seconds });

        Validating(bound).Should().NotThrow();
        Validating(bound + outward).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "request.ActivityIdleTimeout");
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public void Stt_confidence_outside_zero_to_one_is_rejected(double confidence)
    {
        var act = () => RequestValidation.Validate(new StartAvatarRequest { SttSettings = new SttSettings { Confidence = confidence } });

        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "request.SttSettings.Confidence" && e.Message.Contains("between 0 and 1"));
    }

    [Theory]
    [InlineData("Stability")]
    [InlineData("SimilarityBoost")]
    [InlineData("Style")]
    public void Eleven_labs_values_outside_zero_to_one_are_rejected(string field)
    {
        var settings = field switch
        {
            "Stability" => new ElevenLabsSettings { Stability = 1.2 },
            "SimilarityBoost" => new ElevenLabsSettings { SimilarityBoost = -0.1 },
            _ => new ElevenLabsSettings { Style = 2 },
        };

        var act = () => RequestValidation.Validate(new StartAvatarRequest { Voice = new VoiceSetting { ElevenLabsSettings = settings } });

        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "request.Voice.ElevenLabsSettings." + field && e.Message.Contains("between 0 and 1"));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("english")]
    [InlineData("EN")]
    [InlineData("e")]
    [InlineData("")]
    public void Language_other_than_a_basic_code_is_rejected(string language)
    {
        var act = () => RequestValidation.Validate(new StartAvatarRequest { Language = language });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "request.Language" && e.Message.Contains("'en'"));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ja")]
    [InlineData("yue")]
    public void Basic_language_codes_are_accepted_in_lower_case_only(string language)
    {
        Action Validating(string code) => () => RequestValidation.Validate(new StartAvatarRequest { Language = code });

        Validating(language).Should().NotThrow();
        Validating(language.ToUpperInvariant()).Should().Throw<ArgumentException>().Where(e => e.ParamName == "request.Language");
    }

    [Fact]
    public void Undefined_enum_values_are_rejected()
    {
        var act = () => RequestValidation.Validate(new StartAvatarRequest { Quality = (AvatarQuality)42 });

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.Message.Contains("Low, Medium, High"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Speak_text_must_not_be_empty(string text)
    {
        var act = () => RequestValidation.Validate(new SpeakRequest { Text = text });

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "request.Text");
    }

    [Fact]
    public void Speak_text_longer_than_1000_characters_is_rejected()
    {
        var act = () => RequestValidation.Validate(new SpeakRequest { Text = new string('a', 1001) });

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "request.Text" && e.Message.Contains("1000"));
    }

    [Fact]
    public void Speak_text_of_exactly_1000_characters_is_accepted_and_one_more_is_not()
    {
        Action Validating(int length) => () => RequestValidation.Validate(new SpeakRequest { Text = new string('a', length) });

        Validating(1000).Should().NotThrow();
        Validating(1001).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "request.Text");
    }

    [Fact]
    public void Typed_messages_follow_the_same_length_rule()
    {
        ((Action)(() => RequestValidation.ValidateMessage(""))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text");
        ((Action)(() => RequestValidation.ValidateMessage(new string('x', 1001)))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "text");
        ((Action)(() => RequestValidation.ValidateMessage(new string('x', 1000)))).Should().NotThrow();
    }
}
