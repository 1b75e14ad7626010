using System.ComponentModel.DataAnnotations;

namespace KonPro.AvatarWeb;

/// <summary>Where the KonPro service is (section <c>KonPro</c>). Without a <see cref="BaseUrl"/> the app runs offline on the embedded fake.</summary>
public sealed class KonProServiceOptions
{
    public const string Section = "KonPro";

    /// <summary>The KonPro API, e.g. <c>https://api.konpro.ai</c>; empty (the default) starts the fake service inside the app.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// The account's API key: from user secrets (<c>dotnet user-secrets set KonPro:ApiKey …</c>) or an environment
    /// variable (<c>KonPro__ApiKey</c>), never from a committed file. It stays on the server: the server exchanges it for
    /// session tokens and hands the browser only the room's URL and the user participant's token.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Whether the server joins the room as the agent participant (its events, push-to-talk); on by default.</summary>
    public bool JoinRoom { get; set; } = true;

    /// <summary>The embedded fake's room (offline only): on by default; off runs the fake without video (for tests without a network namespace).</summary>
    public bool OfflineRoom { get; set; } = true;

    /// <summary>The host the embedded fake's room is advertised at (offline only), e.g. the machine's LAN address for a browser on another machine.</summary>
    public string? OfflineRoomHost { get; set; }
}

/// <summary>The model behind the avatar (section <c>Llm</c>). Without an <see cref="Endpoint"/> a labelled stand-in answers.</summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary>An OpenAI-compatible endpoint, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c> (Ollama); empty uses the stand-in model.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model name at that endpoint.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>The endpoint's key (user secrets or <c>Llm__ApiKey</c>); stays on the server.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The avatar's instructions.</summary>
    public string SystemPrompt { get; set; } = "You are a friendly museum guide on a web page. Keep answers to two short sentences.";
}

/// <summary>How the app runs sessions (section <c>AvatarWeb</c>).</summary>
public sealed class AvatarWebOptions
{
    public const string Section = "AvatarWeb";

    /// <summary>The avatar every session starts.</summary>
    public string AvatarName { get; set; } = "default";

    /// <summary>A session with no activity (typed text, the user's voice, the avatar talking) for this long ends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A session whose page has no open event stream for this long ends (the page was closed).</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "1.00:00:00")]
    public TimeSpan PageGone { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many sessions may run at once; more are refused with 429.</summary>
    [Range(1, 1000)]
    public int MaxSessions { get; set; } = 10;
}
