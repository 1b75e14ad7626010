using System.Reflection;
using KonPro.Streaming.Session;

namespace KonPro.Streaming.Tests.Architecture;

/// <summary>
/// The calls that drive a started session see it through a narrow context (issue 19): <see cref="SessionCommands"/> holds
/// no <see cref="SessionEngine"/>, so the engine owns the commands and the commands do not reach back into the engine.
/// </summary>
public sealed class SessionCommandsContextTests
{
    [Fact]
    public void Session_commands_hold_a_narrow_context_and_not_the_engine()
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        var fields = typeof(SessionCommands).GetFields(all).Select(f => f.FieldType);
        var parameters = typeof(SessionCommands).GetConstructors(all).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType);

        fields.Concat(parameters).Should().NotContain(typeof(SessionEngine)).And.Contain(typeof(ISessionContext));
    }
}
