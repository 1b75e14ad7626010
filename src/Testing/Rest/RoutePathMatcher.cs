using System.Text.RegularExpressions;
using AnyOfTypes;
using WireMock;
using WireMock.Matchers;
using WireMock.Matchers.Request;
using WireMock.Models;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// A route's path matcher that WireMock evaluates cheaply. WireMock tries every mapping on every request, and its own
/// path matcher allocates a dozen objects per try (LINQ over its string matchers and their results), which made
/// matching the largest cost of a fake call. This one is still a <see cref="RequestMessagePathMatcher"/> over the same
/// exact or regular-expression matcher, so the admin API lists the route as before, but it re-implements
/// <see cref="IRequestMatcher.GetMatchingScore"/> (the interface WireMock calls) as one comparison and one
/// <see cref="MatchDetail"/>, shaped as WireMock's own.
/// </summary>
internal sealed class RoutePathMatcher : RequestMessagePathMatcher, IRequestMatcher
{
    private readonly string[]? _paths;
    private readonly Regex? _pattern;
    private readonly string _name;

    private RoutePathMatcher(IStringMatcher listed, string[]? paths, Regex? pattern)
        : base(MatchBehaviour.AcceptOnMatch, MatchOperator.Or, listed)
    {
        _paths = paths;
        _pattern = pattern;
        _name = listed.Name;
    }

    /// <summary>Matches any of these paths exactly (case-sensitive, as WireMock's default path matching).</summary>
    public static RoutePathMatcher Exact(params string[] paths) =>
        new(new ExactMatcher([.. paths.Select(p => new AnyOf<string, StringPattern>(p))]), paths, null);

    /// <summary>Matches paths that this regular expression matches (with WireMock's options: case-sensitive, multi-line).</summary>
    public static RoutePathMatcher Pattern(string pattern) =>
        new(new RegexMatcher(pattern), null, new Regex(pattern, RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    /// <summary>Whether the path is one of this route's.</summary>
    public bool Matches(string? path)
    {
        if (path is null)
        {
            return false;
        }

        if (_pattern is not null)
        {
            return _pattern.IsMatch(path);
        }

        foreach (var candidate in _paths!)
        {
            if (string.Equals(candidate, path, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    double IRequestMatcher.GetMatchingScore(IRequestMessage requestMessage, IRequestMatchResult requestMatchResult) =>
        requestMatchResult.AddMatchDetail(new MatchDetail
        {
            Name = _name,
            MatcherType = nameof(MatchResult),
            Score = Matches(requestMessage.Path) ? MatchScores.Perfect : MatchScores.Mismatch,
        });
}
