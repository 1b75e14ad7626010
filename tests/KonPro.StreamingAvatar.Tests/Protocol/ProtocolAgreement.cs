using System.Globalization;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Tests.Protocol;

/// <summary>
/// What one party (the SDK or the fake server) knows of the chat protocol, read from its code or its behaviour.
/// </summary>
/// <param name="Party">"the SDK" or "the fake".</param>
/// <param name="Events">Each event name the party knows, with the fields it reads or writes for that event.</param>
/// <param name="CommonFields">Fields the party reads on every event (the SDK's base record); empty for a sender.</param>
/// <param name="FinalCloseStatuses">The close statuses after which no reconnect is allowed, with their reason text when the party knows it.</param>
/// <param name="MayReconnect">The party's reconnect decision for a close status, when it makes one.</param>
internal sealed record ProtocolSide(
    string Party,
    IReadOnlyDictionary<string, IReadOnlySet<string>> Events,
    IReadOnlySet<string> CommonFields,
    IReadOnlyDictionary<int, string?> FinalCloseStatuses,
    Func<int, bool>? MayReconnect = null);

/// <summary>
/// Compares the chat protocol document with the SDK and with the fake: every event, event field and close status
/// must exist in all three (the SDK also knows the events it raises itself, listed in the document's
/// <c>x-client-events</c>). Returns one line per disagreement.
/// </summary>
internal static class ProtocolAgreement
{
    public static IReadOnlyList<string> Check(ChatContract document, ProtocolSide sdk, ProtocolSide fake)
    {
        var problems = new List<string>();

        // The SDK knows the wire events and the events it raises itself; the fake sends the wire events.
        var sdkExpected = document.SocketEvents.ToDictionary(e => e.Key, e => e.Value.Fields);
        foreach (var (name, fields) in document.ClientEvents)
        {
            sdkExpected[name] = fields;
        }

        CompareEvents(sdkExpected, sdk, problems);
        CompareEvents(document.SocketEvents.ToDictionary(e => e.Key, e => e.Value.Fields), fake, problems);

        var documentFields = document.SocketEvents.Values.SelectMany(e => e.Fields).ToHashSet(StringComparer.Ordinal);
        foreach (var common in sdk.CommonFields.Where(f => !documentFields.Contains(f)))
        {
            problems.Add($"field {common} is read on every event by {sdk.Party} but no event of the document has it");
        }

        var final = document.CloseStatuses.Where(s => !s.Reconnect).ToDictionary(s => s.Code, s => s.Reason);
        CompareCloseStatuses(final, sdk, problems);
        CompareCloseStatuses(final, fake, problems);
        foreach (var party in new[] { sdk, fake })
        {
            if (party.MayReconnect is null)
            {
                continue;
            }

            foreach (var status in document.CloseStatuses.Where(s => party.MayReconnect(s.Code) != s.Reconnect))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"close status {status.Code}: the document says reconnect={status.Reconnect}, {party.Party} decides otherwise"));
            }
        }

        return problems;
    }

    private static void CompareEvents(
        IReadOnlyDictionary<string, IReadOnlySet<string>> expected,
        ProtocolSide party,
        List<string> problems)
    {
        foreach (var name in expected.Keys.Where(n => !party.Events.ContainsKey(n)))
        {
            problems.Add($"event {name} is in the document but not in {party.Party}");
        }

        foreach (var name in party.Events.Keys.Where(n => !expected.ContainsKey(n)))
        {
            problems.Add($"event {name} is in {party.Party} but not in the document");
        }

        foreach (var (name, documented) in expected)
        {
            if (!party.Events.TryGetValue(name, out var own))
            {
                continue;
            }

            foreach (var field in documented.Where(f => !own.Contains(f) && !party.CommonFields.Contains(f)))
            {
                problems.Add($"field {field} of {name} is in the document but not in {party.Party}");
            }

            foreach (var field in own.Where(f => !documented.Contains(f)))
            {
                problems.Add($"field {field} of {name} is in {party.Party} but not in the document");
            }
        }
    }

    private static void CompareCloseStatuses(IReadOnlyDictionary<int, string?> documented, ProtocolSide party, List<string> problems)
    {
        foreach (var (code, reason) in documented)
        {
            if (!party.FinalCloseStatuses.TryGetValue(code, out var own))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"close status {code} ({reason}) is in the document but not in {party.Party}"));
            }
            else if (own is not null && own != reason)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"close status {code}: the document's reason is {reason}, {party.Party} sends {own}"));
            }
        }

        foreach (var code in party.FinalCloseStatuses.Keys.Where(c => !documented.ContainsKey(c)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"close status {code} is in {party.Party} but not in the document"));
        }
    }
}
