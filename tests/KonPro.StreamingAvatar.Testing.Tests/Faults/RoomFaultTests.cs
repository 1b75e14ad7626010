using KonPro.Streaming.Testing.Tests.Support;

namespace KonPro.Streaming.Testing.Tests.Faults;

/// <summary>
/// The room faults' typed errors, before anything goes to a room. What they do in a room: the LiveKit tests'
/// ConnectionQualityRoomTests (the SDK joined to the fake's room, in a network namespace).
/// </summary>
public sealed class RoomFaultTests
{
    [Fact]
    public async Task A_server_without_rooms_refuses_a_connection_quality()
    {
        await using var server = await Servers.StartAsync();

        var act = () => server.Faults.SetConnectionQualityAsync(RoomConnectionQuality.Poor, "any-session");

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*Room.Enabled*");
    }

    [Fact]
    public async Task An_undefined_quality_is_refused()
    {
        await using var server = await Servers.StartAsync();

        var act = () => server.Faults.SetConnectionQualityAsync((RoomConnectionQuality)42);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("quality");
    }
}
