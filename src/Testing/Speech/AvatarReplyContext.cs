namespace KonPro.Streaming.Testing;

/// <summary>What the responder of talk tasks gets to produce the avatar's reply.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="UserText">What the user said or typed, or the talk task's text.</param>
/// <param name="Prompt">The system prompt: the knowledge base's prompt, or the session's <c>knowledge_base</c>.</param>
/// <param name="Opening">The knowledge base's opening line, when there is one.</param>
/// <param name="KnowledgeBaseId">The session's knowledge base, when one was chosen.</param>
public sealed record AvatarReplyContext(
    string SessionId,
    string UserText,
    string? Prompt,
    string? Opening,
    string? KnowledgeBaseId);
