using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.LiveKit.Tests.PublicApi;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_the_approved_snapshot() =>
        ApprovedPublicApi.Verify(typeof(LiveKitRoomConnector).Assembly, "tests", "KonPro.StreamingAvatar.LiveKit.Tests", "PublicApi");
}
