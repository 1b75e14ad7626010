namespace KonPro.Streaming.Testing.Tests.Room;

/// <summary>
/// The tests that start room programs run one class at a time: a test that counts this process's room programs
/// (<see cref="RoomTests"/>) would otherwise see another class's (seen in a full run: two where one was started).
/// </summary>
[CollectionDefinition(Name)]
public sealed class RoomProgramCollection
{
    public const string Name = "Room programs";
}
