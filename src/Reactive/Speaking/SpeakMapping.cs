using Wire = KonPro.Streaming.Api;

namespace KonPro.Streaming.Speaking;

/// <summary>Maps a <see cref="SpeakRequest"/> onto the generated wire DTO of the task call.</summary>
internal static class SpeakMapping
{
    public static Wire.TaskRequest ToWire(string sessionId, SpeakRequest request) => new()
    {
        Session_id = sessionId,
        Text = request.Text,
        Task_type = request.TaskType == TaskType.Talk ? Wire.TaskType.Talk : Wire.TaskType.Repeat,
        Task_mode = request.TaskMode == TaskMode.Async ? Wire.TaskMode.Async : Wire.TaskMode.Sync,
    };
}
