using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.PublicApi;

/// <summary>The fake server's public surface is a product: every change shows up in review as a change of its snapshot.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot() =>
        ApprovedPublicApi.Verify(typeof(KonProFakeServer).Assembly, "tests", "KonPro.StreamingAvatar.Testing.Tests", "PublicApi");
}
