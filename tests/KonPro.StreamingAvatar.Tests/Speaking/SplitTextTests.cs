namespace KonPro.Streaming.Tests.Requests;

public sealed class SplitTextTests
{
    [Fact]
    public void Short_text_is_one_piece() =>
        SpeakRequest.SplitText("Hello there. How are you?").Should().Equal("Hello there. How are you?");

    [Fact]
    public void Long_text_splits_at_sentence_ends_into_pieces_of_at_most_the_limit()
    {
        var sentence = "This sentence has exactly some words in it. ";
        var text = string.Concat(Enumerable.Repeat(sentence, 60));

        var pieces = SpeakRequest.SplitText(text);

        pieces.Should().HaveCountGreaterThan(1);
        pieces.Should().OnlyContain(p => p.Length <= SpeakRequest.MaxTextLength && p.Length > 0);
        pieces.Should().OnlyContain(p => p.EndsWith('.'));
        string.Join(" ", pieces).Should().Be(text.Trim());
    }

    [Fact]
    public void A_sentence_longer_than_the_limit_splits_at_white_space()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 30));

        var pieces = SpeakRequest.SplitText(text, 20);

        pieces.Should().OnlyContain(p => p.Length <= 20 && !p.StartsWith(' ') && !p.EndsWith(' '));
        string.Join(" ", pieces).Should().Be(text);
    }

    [Fact]
    public void A_word_longer_than_the_limit_is_cut()
    {
        var pieces = SpeakRequest.SplitText(new string('x', 25), 10);

        pieces.Should().Equal("xxxxxxxxxx", "xxxxxxxxxx", "xxxxx");
    }

    [Fact]
    public void Empty_text_gives_no_pieces() => SpeakRequest.SplitText("   ").Should().BeEmpty();

    [Fact]
    public void Limit_below_one_is_rejected() =>
        ((Action)(() => SpeakRequest.SplitText("x", 0))).Should().Throw<ArgumentOutOfRangeException>();
}
