using System.Reflection;
using KonPro.Streaming.Session;
using KonPro.Streaming.Speaking;

namespace KonPro.Streaming.Tests.Architecture;

/// <summary>
/// The calls that drive a started session see it through a narrow context (issue 19): <see cref="SessionCommands"/> holds
/// no <see cref="SessionEngine"/>, so the engine owns the commands and the commands do not reach back into the engine.
/// Speaking's calls (<see cref="SpeakCommands"/>, in Speaking/) see it through a context of their own, defined there.
/// </summary>
public sealed class SessionCommandsContextTests
{
    private const BindingFlags All = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    [Fact]
    public void Session_commands_hold_a_narrow_context_and_not_the_engine()
    {
        Dependencies(typeof(SessionCommands)).Should().NotContain(typeof(SessionEngine)).And.Contain(typeof(ISessionContext));
    }

    [Fact]
    public void Speak_commands_hold_a_speaking_context_and_nothing_of_the_session_folder()
    {
        var dependencies = Dependencies(typeof(SpeakCommands));

        dependencies.Should().Contain(typeof(ISpeakingContext));
        dependencies.Where(t => t.Namespace == typeof(SessionEngine).Namespace).Should().BeEmpty("speaking sits below the session's folder");
    }

    [Fact]
    public void Speaking_alone_has_the_speak_and_interrupt_calls_and_the_speak_tracker()
    {
        typeof(SessionCommands).GetMethods(All).Select(m => m.Name).Should().NotContain(["SpeakAsync", "InterruptAsync"]);
        typeof(SpeakCommands).GetMethods(All).Select(m => m.Name).Should().Contain(["SpeakAsync", "InterruptAsync"]);
        typeof(ISessionContext).GetProperties().Select(p => p.PropertyType).Should().NotContain(typeof(SpeakTracker));
    }

    private static IEnumerable<Type> Dependencies(Type type) =>
        type.GetFields(All).Select(f => f.FieldType)
            .Concat(type.GetConstructors(All).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType))
            .ToList();
}
