namespace KonPro.Demo;

/// <summary>What the demo runs against.</summary>
internal sealed class DemoSettings
{
    public string? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    public string? Token { get; set; }

    public double TimeScale { get; set; } = 0.2;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>--llm: run the conversation pipeline instead of the scripted conversation.</summary>
    public bool Llm { get; set; }

    public string? LlmUrl { get; set; }

    public string? LlmKey { get; set; }

    public string? LlmModel { get; set; }

    /// <summary>Join the session's LiveKit room too (the embedded fake then hosts one).</summary>
    public bool Room { get; set; }

    /// <summary>Where <c>--room</c> writes the PNG snapshot of the talking avatar.</summary>
    public string SnapshotPath { get; set; } = "avatar-snapshot.png";

    public bool UseEmbeddedFake => BaseUrl is null;

    public void Validate()
    {
        if (BaseUrl is not null && ApiKey is null && Token is null)
        {
            throw new ArgumentException("--base-url needs --api-key or --token.");
        }

        if (ApiKey is not null && Token is not null)
        {
            throw new ArgumentException("Give --api-key or --token, not both.");
        }

        if (BaseUrl is not null && !Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"--base-url must be an absolute URL; was '{BaseUrl}'.");
        }

        if (!Llm && (LlmUrl ?? LlmKey ?? LlmModel) is not null)
        {
            throw new ArgumentException("--llm-url, --llm-key and --llm-model need --llm.");
        }

        if (LlmUrl is not null && !Uri.TryCreate(LlmUrl, UriKind.Absolute, out _))
        {
            throw new ArgumentException("--llm-url must be an absolute URL.");
        }

        if (!(TimeScale > 0) || Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("--time-scale and --timeout must be positive.");
        }
    }
}
