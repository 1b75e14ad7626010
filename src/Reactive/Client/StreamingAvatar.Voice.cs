namespace KonPro.StreamingAvatar;

public partial class StreamingAvatar
{
    private Task StopVoiceChatCoreAsync() => Task.CompletedTask;
}
