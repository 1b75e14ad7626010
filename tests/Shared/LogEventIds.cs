using System.Reflection;
using FluentAssertions;
using Microsoft.Extensions.Logging;

namespace KonPro.Streaming.TestSupport;

/// <summary>
/// Reads the <see cref="LoggerMessageAttribute"/> event ids of an assembly, so that a test can hold each id to one
/// message: a log query by event id must find one kind of message, never two.
/// </summary>
internal static class LogEventIds
{
    /// <summary>Every [LoggerMessage] method of <paramref name="assembly"/>, as "Type.Method" by event id.</summary>
    public static ILookup<int, string> Of(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(entry => entry.Attribute is not null)
            .ToLookup(entry => entry.Attribute!.EventId, entry => $"{entry.Method.DeclaringType!.Name}.{entry.Method.Name}");

    /// <summary>Asserts that <paramref name="assembly"/> logs through [LoggerMessage] methods and uses each id once.</summary>
    public static void ShouldNameOneMessageEach(Assembly assembly)
    {
        Of(assembly).Should().NotBeEmpty("{0} logs through [LoggerMessage] methods", assembly.GetName().Name);
        SharedIds(assembly).Should().BeEmpty("each event id of {0} belongs to one message", assembly.GetName().Name);
    }

    /// <summary>The ids of <paramref name="assembly"/> that more than one message uses, each with the messages.</summary>
    public static IReadOnlyList<string> SharedIds(Assembly assembly) =>
        Of(assembly)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Order(StringComparer.Ordinal))}")
            .ToList();
}
