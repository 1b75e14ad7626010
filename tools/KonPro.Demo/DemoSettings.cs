using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KonPro.Demo;

/// <summary>
/// The demo's command line: what it runs against and how. With no options it starts the embedded fake KonPro server (in
/// process, on 127.0.0.1, time-scaled so the script finishes in well under a minute) and runs the scripted
/// conversation against it: a session token from the admin client, the avatar started, a REPEAT and a TALK task, an
/// interrupted long utterance, a typed message, a short generated audio clip through voice chat, keep-alive, stop.
/// </summary>
internal sealed class DemoSettings : CommandSettings
{
    [CommandOption("--base-url <URL>")]
    [Description("run against this KonPro endpoint instead of the embedded fake")]
    public string? BaseUrl { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("the account's API key (the script creates a session token with it; never printed)")]
    public string? ApiKey { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("a session token to use directly (no admin call)")]
    public string? Token { get; init; }

    [CommandOption("--time-scale <X>")]
    [Description("the embedded fake's time scale (1 = real time)")]
    [DefaultValue(0.2)]
    public double TimeScale { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("give up after this long")]
    [DefaultValue(120.0)]
    public double TimeoutSeconds { get; init; }

    [CommandOption("--room")]
    [Description("also join the session's LiveKit room (the embedded fake hosts one; needs Node.js 20+): shows the avatar's tracks, video and audio frame counts and rates, and writes a PNG snapshot of the talking avatar. WebRTC ignores loopback: on a machine whose only network is loopback, run it inside eng/netns-run. Where LiveKit's native library is not shipped (it is for linux-x64), says so and runs on the chat socket alone")]
    public bool Room { get; init; }

    [CommandOption("--snapshot <FILE>")]
    [Description("where --room writes the PNG (default: konpro-avatar-snapshot.png in the system's temporary folder, so a run from a clone leaves nothing in the working tree; the path is printed)")]
    public string? SnapshotPath { get; init; }

    /// <summary>Where --room writes the PNG: the given path, or the temporary folder.</summary>
    public string SnapshotFile => SnapshotPath ?? Path.Combine(Path.GetTempPath(), "konpro-avatar-snapshot.png");

    [CommandOption("--llm")]
    [Description("bring your own LLM: run a conversation between the avatar and a chat model (KonPro.Streaming.Conversation) instead of the script: typed and voice turns, answers spoken sentence by sentence as they stream, and a barge-in. Without --llm-url the model is a small deterministic STAND-IN that ships with the demo (offline; not an LLM)")]
    public bool Llm { get; init; }

    [CommandOption("--llm-url <URL>")]
    [Description("an OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 or http://localhost:11434/v1")]
    public string? LlmUrl { get; init; }

    [CommandOption("--llm-key <KEY>")]
    [Description("its API key (never printed)")]
    public string? LlmKey { get; init; }

    [CommandOption("--llm-model <NAME>")]
    [Description("the model (default gpt-4o-mini)")]
    public string? LlmModel { get; init; }

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public bool UseEmbeddedFake => BaseUrl is null;

    public override ValidationResult Validate() =>
        BaseUrl is not null && ApiKey is null && Token is null ? ValidationResult.Error("--base-url needs --api-key or --token.")
        : ApiKey is not null && Token is not null ? ValidationResult.Error("Give --api-key or --token, not both.")
        : BaseUrl is not null && !Uri.TryCreate(BaseUrl, UriKind.Absolute, out _) ? ValidationResult.Error($"--base-url must be an absolute URL; was '{BaseUrl}'.")
        : !Llm && (LlmUrl ?? LlmKey ?? LlmModel) is not null ? ValidationResult.Error("--llm-url, --llm-key and --llm-model need --llm.")
        : LlmUrl is not null && !Uri.TryCreate(LlmUrl, UriKind.Absolute, out _) ? ValidationResult.Error("--llm-url must be an absolute URL.")
        : !(TimeScale > 0) || double.IsInfinity(TimeScale) || !(TimeoutSeconds > 0) ? ValidationResult.Error("--time-scale and --timeout must be positive.")
        : ValidationResult.Success();
}

/// <summary>Runs the scripted conversation, or the conversation pipeline with <c>--llm</c>. Exit code 0 when every step succeeded, 1 otherwise.</summary>
internal sealed class DemoCommand : AsyncCommand<DemoSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DemoSettings settings, CancellationToken cancellationToken) =>
        settings.Llm
            ? new Llm.LlmScript(settings).RunAsync()
            : new ConversationScript(settings).RunAsync();
}
