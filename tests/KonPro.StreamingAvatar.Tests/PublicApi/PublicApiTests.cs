using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.PublicApi;

/// <summary>The SDK's public surface is a product: every change shows up in review as a change of its snapshot.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot() =>
        ApprovedPublicApi.Verify(typeof(StreamingAvatar).Assembly, "tests", "KonPro.StreamingAvatar.Tests", "PublicApi");
}
