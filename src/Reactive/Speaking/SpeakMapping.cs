using Wire = KonPro.Streaming.Api;

namespace KonPro.Streaming.Speaking;

/// <summary>Maps a <see cref="SpeakRequest"/> onto the generated wire DTO of the task call.</summary>
internal static class SpeakMapping
{
    public static Wire.TaskRequest ToWire(string sessionId, SpeakRequest request) => new()
    {
        SessionId = sessionId,
        Text = request.Text,
        TaskType = request.TaskType == TaskType.Talk ? Wire.TaskType.Talk : Wire.TaskType.Repeat,
        TaskMode = request.TaskMode == TaskMode.Async ? Wire.TaskMode.Async : Wire.TaskMode.Sync,
    };
}
