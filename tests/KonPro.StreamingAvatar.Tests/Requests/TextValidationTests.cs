using System.Globalization;
using System.Text.RegularExpressions;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Requests;

/// <summary>Issue 10.7: what the 1,000-character limit counts (code points), lone surrogates, invisible-only text.</summary>
public sealed class TextValidationTests
{
    private const string Grinning = "\U0001F600"; // one code point, two UTF-16 chars
    private const string JapanFlag = "\U0001F1EF\U0001F1F5"; // two code points (regional indicators), one perceived character

    private static Action Speak(string text) => () => RequestValidation.Validate(new SpeakRequest { Text = text });

    private static Action Message(string text) => () => RequestValidation.ValidateMessage(text);

    [Fact]
    public void A_thousand_emoji_are_a_thousand_characters_and_are_accepted()
    {
        var text = string.Concat(Enumerable.Repeat(Grinning, 1000));
        text.Length.Should().Be(2000, "the test's premise: each emoji is two UTF-16 chars");

        Speak(text).Should().NotThrow();
        Message(text).Should().NotThrow();
    }

    [Fact]
    public void A_thousand_and_one_emoji_are_rejected_with_the_count_in_code_points()
    {
        var text = string.Concat(Enumerable.Repeat(Grinning, 1001));

        Speak(text).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "request.Text" && (int)e.ActualValue! == 1001)
            .Which.Message.Should().Contain("at most 1000 characters").And.Contain("code points").And.Contain("SplitText");
        Message(text).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "text" && (int)e.ActualValue! == 1001);
    }

    [Fact]
    public void Emoji_made_of_several_code_points_count_each_of_them()
    {
        Speak(string.Concat(Enumerable.Repeat(JapanFlag, 500))).Should().NotThrow();
        Speak(string.Concat(Enumerable.Repeat(JapanFlag, 500)) + "a").Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => (int)e.ActualValue! == 1001);
    }

    [Fact]
    public void Mixed_text_at_exactly_the_limit_is_accepted()
    {
        var text = new string('a', 998) + Grinning + "\u65E5";

        Speak(text).Should().NotThrow();
        Speak(text + "!").Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    // Written escaped: the test runner replaces a lone surrogate in theory data with U+FFFD.
    [InlineData(@"\ud800", 0, "D800")]
    [InlineData(@"a\udc00b", 1, "DC00")]
    [InlineData(@"\udc00\ud800", 0, "DC00")]
    [InlineData(@"hello \ud83d", 6, "D83D")]
    [InlineData(@"\ud83d\ude00\ude00", 2, "DE00")]
    public void A_lone_surrogate_is_rejected_naming_the_field_and_where_it_is(string escaped, int index, string unit)
    {
        var text = Regex.Unescape(escaped);

        Speak(text).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "request.Text" && e.GetType() == typeof(ArgumentException))
            .Which.Message.Should().Contain("unpaired surrogate").And.Contain("U+" + unit)
            .And.Contain("index " + index.ToString(CultureInfo.InvariantCulture));
        Message(text).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text" && e.Message.Contains("unpaired surrogate"));
    }

    [Theory]
    [InlineData("\u200B")] // zero-width space
    [InlineData("\u200B\u200C\u200D\uFEFF")] // zero-width space, non-joiner, joiner, BOM
    [InlineData("\u2060\u00AD\u200E\u200F")] // word joiner, soft hyphen, LRM, RLM
    [InlineData(" \t\r\n\u00A0\u3000")] // white space of several kinds
    [InlineData("\u3164\u2800")] // Hangul filler, braille blank
    [InlineData("\u0301\uFE0F")] // a combining accent and a variation selector on nothing
    [InlineData("\U000E0041\U000E007F")] // tag characters
    public void Text_with_no_visible_character_is_rejected(string text)
    {
        Speak(text).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "request.Text" && e.GetType() == typeof(ArgumentException))
            .Which.Message.Should().Contain("visible character");
        Message(text).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text" && e.Message.Contains("visible character"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("\u65E5")]
    [InlineData(Grinning)]
    [InlineData(JapanFlag)]
    [InlineData("\u200Bok\u200B")]
    [InlineData("\u0301e")]
    [InlineData("\u0663")] // Arabic-Indic digit three
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467")] // a family: ZWJ sequence
    public void Text_with_a_visible_character_is_accepted(string text)
    {
        Speak(text).Should().NotThrow();
        Message(text).Should().NotThrow();
    }

    [Fact]
    public void Empty_and_null_text_are_rejected_as_empty()
    {
        Speak(string.Empty).Should().Throw<ArgumentException>().Where(e => e.ParamName == "request.Text" && e.Message.Contains("must not be empty"));
        Speak(null!).Should().Throw<ArgumentException>().Where(e => e.ParamName == "request.Text");
        Message(null!).Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData("AvatarName")]
    [InlineData("KnowledgeId")]
    [InlineData("KnowledgeBase")]
    [InlineData("Version")]
    [InlineData("Voice.VoiceId")]
    [InlineData("LiveKitSettings.Url")]
    [InlineData("LiveKitSettings.Room")]
    [InlineData("LiveKitSettings.Token")]
    public void A_lone_surrogate_in_any_start_field_is_rejected_naming_the_field_and_not_the_value(string field)
    {
        const string Value = "secret-value-\udc01";
        var request = new StartAvatarRequest();
        switch (field)
        {
            case "AvatarName": request.AvatarName = Value; break;
            case "KnowledgeId": request.KnowledgeId = Value; break;
            case "KnowledgeBase": request.KnowledgeBase = Value; break;
            case "Version": request.Version = Value; break;
            case "Voice.VoiceId": request.Voice = new VoiceSetting { VoiceId = Value }; break;
            case "LiveKitSettings.Url": request.LiveKitSettings = new LiveKitSettings { Url = Value }; break;
            case "LiveKitSettings.Room": request.LiveKitSettings = new LiveKitSettings { Room = Value }; break;
            default: request.LiveKitSettings = new LiveKitSettings { Token = Value }; break;
        }

        var act = () => RequestValidation.Validate(request);

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "request." + field)
            .Which.Message.Should().Contain("unpaired surrogate U+DC01 at index 13").And.NotContain("secret-value");
    }

    [Fact]
    public void Split_text_counts_code_points_and_never_splits_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat(Grinning, 1500));

        var pieces = SpeakRequest.SplitText(text);

        pieces.Should().HaveCount(2);
        pieces[0].Should().Be(string.Concat(Enumerable.Repeat(Grinning, 1000)));
        pieces.Should().AllSatisfy(p => Speak(p).Should().NotThrow());
        string.Concat(pieces).Should().Be(text);
    }

    [Fact]
    public void Split_text_cuts_between_perceived_characters_when_it_must_cut_inside_a_word()
    {
        var text = string.Concat(Enumerable.Repeat(JapanFlag, 5)); // ten code points, five flags, no space

        var pieces = SpeakRequest.SplitText(text, 3);

        pieces.Should().OnlyContain(p => p == JapanFlag, "a flag is never cut in half when a whole one fits");
        pieces.Should().HaveCount(5);
    }

    [Fact]
    public async Task Bad_text_is_rejected_before_anything_goes_over_the_wire()
    {
        await using var scope = await FakeServerScope.StartAsync();
        var avatar = await scope.CreateAvatarAsync();
        await avatar.CreateStartAvatarAsync(new StartAvatarRequest());

        foreach (var text in new[] { "\ud800", "\u200B\u200D", string.Concat(Enumerable.Repeat(Grinning, 1001)) })
        {
            var speak = () => avatar.SpeakAsync(new SpeakRequest { Text = text, TaskType = TaskType.Repeat });
            var message = () => avatar.SendMessageAsync(text);

            await speak.Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "request.Text");
            await message.Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "text");
        }

        scope.Calls(Testing.KonProOperationIds.SendTask).Should().BeEmpty();
        scope.Server.Journal.ChatFrames.Should().BeEmpty();
    }
}
