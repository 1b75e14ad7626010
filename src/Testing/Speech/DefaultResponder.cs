namespace KonPro.Streaming.Testing.Speech;

/// <summary>The deterministic offline stand-in for the avatar's language model.</summary>
internal static class DefaultResponder
{
    public static string Reply(AvatarReplyContext context)
    {
        var parts = new List<string>(3);
        if (!string.IsNullOrWhiteSpace(context.Opening))
        {
            parts.Add(context.Opening.Trim());
        }

        var said = context.UserText.Trim().TrimEnd('.', '!', '?');
        parts.Add($"You said: {said}.");
        if (!string.IsNullOrWhiteSpace(context.Prompt))
        {
            var prompt = context.Prompt.Trim();
            parts.Add($"I answer as told: {(prompt.Length > 80 ? prompt[..80] : prompt)}");
        }

        return string.Join(' ', parts);
    }
}
