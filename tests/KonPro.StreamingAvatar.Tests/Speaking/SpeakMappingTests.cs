using KonPro.Streaming.Speaking;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Speaking;

public sealed class SpeakMappingTests
{
    [Theory]
    [InlineData(TaskType.Talk, TaskMode.Sync, "talk", "sync")]
    [InlineData(TaskType.Repeat, TaskMode.Async, "repeat", "async")]
    public void Speak_always_sends_task_type_and_mode(TaskType type, TaskMode mode, string wireType, string wireMode)
    {
        var wire = SpeakMapping.ToWire("s-1", new SpeakRequest { Text = "hi", TaskType = type, TaskMode = mode });

        var json = WireJson.Of(wire);
        json.GetProperty("session_id").GetString().Should().Be("s-1");
        json.GetProperty("text").GetString().Should().Be("hi");
        json.GetProperty("task_type").GetString().Should().Be(wireType);
        json.GetProperty("task_mode").GetString().Should().Be(wireMode);
    }

    [Fact]
    public void Speak_defaults_are_talk_and_sync()
    {
        var request = new SpeakRequest { Text = "x" };

        request.TaskType.Should().Be(TaskType.Talk);
        request.TaskMode.Should().Be(TaskMode.Sync);
    }
}
