using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Api.Tests.PublicApi;

/// <summary>
/// The Api package's public surface is generated from the spec: its snapshot makes every change of the spec that
/// reaches users visible in review.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot() =>
        ApprovedPublicApi.Verify(typeof(IKonProApiClient).Assembly, "tests", "KonPro.StreamingAvatar.Api.Tests", "PublicApi");
}
