using System.Runtime.CompilerServices;
using System.Text;
using KonPro.Streaming.Events;

namespace KonPro.Streaming.Tests.Events;

/// <summary>
/// The ids the session's speak calls got are what the parser gives those tasks' events (the same string, not one made
/// from the wire); any other task's id is read from the wire as before, and a speak racing the parser never gives an
/// event a wrong id.
/// </summary>
public sealed class SpokenTaskIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void A_spoken_tasks_events_carry_the_very_string_the_speak_call_got()
    {
        var spoken = new SpokenTaskIds();
        var cache = new StreamingEventParserCache(spoken);
        var taskId = Fresh("task-a000001");
        Parse("""{"event_type":"user_talking_message","task_id":"task-u000001","message":"hi"}""", cache); // the cache's last id is another task's
        spoken.Add(taskId);

        var start = Parse("""{"event_type":"avatar_start_talking","task_id":"task-a000001","session_id":"s-1"}""", cache);
        var words = Parse("""{"event_type":"avatar_talking_message","task_id":"task-a000001","message":"Hello"}""", cache);
        var stop = Parse("""{"event_type":"avatar_stop_talking","task_id":"task-a000001","duration_ms":1200}""", cache);

        start.TaskId.Should().BeSameAs(taskId);
        words.TaskId.Should().BeSameAs(taskId);
        stop.TaskId.Should().BeSameAs(taskId);
    }

    [Fact]
    public void The_reader_pass_an_escaped_id_and_the_data_channel_reuse_it_too()
    {
        var spoken = new SpokenTaskIds();
        var taskId = Fresh("task-a000001");
        spoken.Add(taskId);
        const string ThroughThePass = """{"event_type":"avatar_start_talking","task_id":"task-a000001","extra":true}""";
        StreamingEventParser.IsEnvelope(Encoding.UTF8.GetBytes(ThroughThePass), "event_type").Should().BeFalse("the extra field sends it to the reader's pass");

        Parse(ThroughThePass, new StreamingEventParserCache(spoken)).TaskId.Should().BeSameAs(taskId);
        Parse("""{"event_type":"avatar_start_talking","task_id":"task\u002da000001"}""", new StreamingEventParserCache(spoken)).TaskId.Should().BeSameAs(taskId);
        Parse("""{"type":"avatar_start_talking","task_id":"task-a000001"}""", new StreamingEventParserCache(spoken), "type").TaskId.Should().BeSameAs(taskId);
    }

    [Fact]
    public void The_chat_sockets_and_the_rooms_parsers_share_the_sessions_spoken_ids()
    {
        var spoken = new SpokenTaskIds();
        var chat = new StreamingEventParserCache(spoken);
        var room = new StreamingEventParserCache(spoken);
        var taskId = Fresh("task-a000001");
        spoken.Add(taskId);

        Parse("""{"event_type":"avatar_start_talking","task_id":"task-a000001"}""", chat).TaskId.Should().BeSameAs(taskId);
        Parse("""{"type":"avatar_start_talking","task_id":"task-a000001"}""", room, "type").TaskId.Should().BeSameAs(taskId);
    }

    [Fact]
    public void A_task_the_client_did_not_start_gets_a_string_of_its_own_with_its_text()
    {
        var spoken = new SpokenTaskIds();
        var mine = Fresh("task-a000001");
        spoken.Add(mine);
        var cache = new StreamingEventParserCache(spoken);

        var first = Parse("""{"event_type":"user_talking_message","task_id":"user-turn-7","message":"hi"}""", cache);
        var second = Parse("""{"event_type":"user_end_message","task_id":"user-turn-7"}""", cache);
        var numeric = Parse("""{"event_type":"avatar_start_talking","task_id":42}""", cache);

        first.TaskId.Should().Be("user-turn-7");
        second.TaskId.Should().BeSameAs(first.TaskId, "the cache still shares one string between a task's events");
        numeric.TaskId.Should().Be("42");
        new[] { first.TaskId, numeric.TaskId }.Should().NotContain(id => ReferenceEquals(id, mine));
    }

    [Theory]
    [InlineData("task-a000002")] // the last character differs
    [InlineData("Task-a000001")] // the first differs
    [InlineData("task-A000001")] // only by case
    public void An_id_of_the_same_length_that_differs_is_read_from_the_wire(string wire)
    {
        var spoken = new SpokenTaskIds();
        var mine = Fresh("task-a000001");
        spoken.Add(mine);

        var evt = Parse($$"""{"event_type":"avatar_start_talking","task_id":"{{wire}}"}""", new StreamingEventParserCache(spoken));

        evt.TaskId.Should().Be(wire).And.NotBeSameAs(mine);
    }

    [Fact]
    public void A_non_ascii_id_never_matches_and_is_read_as_before()
    {
        var spoken = new SpokenTaskIds();
        var accented = Fresh("tâche-1");
        var twoLetters = Fresh("ab"); // two characters, as "é" is two UTF-8 bytes
        spoken.Add(accented);
        spoken.Add(twoLetters);

        var same = Parse("""{"event_type":"avatar_start_talking","task_id":"tâche-1"}""", new StreamingEventParserCache(spoken));
        var sameByteCount = Parse("""{"event_type":"avatar_start_talking","task_id":"é"}""", new StreamingEventParserCache(spoken));

        same.TaskId.Should().Be("tâche-1").And.NotBeSameAs(accented);
        sameByteCount.TaskId.Should().Be("é");
    }

    [Fact]
    public void The_ring_keeps_the_last_ids_and_lets_older_ones_go()
    {
        var spoken = new SpokenTaskIds();
        const string Oldest = "task-old";
        var (weak, found) = AddOne(spoken, Oldest);
        found.Should().BeTrue();
        var later = Enumerable.Range(0, SpokenTaskIds.Capacity).Select(i => Fresh($"task-{i:x3}")).ToList();
        later.ForEach(spoken.Add);

        spoken.Find(Encoding.UTF8.GetBytes(Oldest)).Should().BeNull("its slot was overwritten");
        later.Should().OnlyContain(id => ReferenceEquals(spoken.Find(Encoding.UTF8.GetBytes(id)), id));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        weak.IsAlive.Should().BeFalse("nothing holds an id once its slot is overwritten");
    }

    [Fact]
    public async Task Speaks_while_events_are_parsed_never_give_an_event_a_wrong_id()
    {
        // Task ids of one length, so that every lookup compares the bytes of every slot; the writers register the ids
        // of the events (new strings each time) and ids no event has, as concurrent speak calls do.
        const int Tasks = 64;
        const int Events = 60_000;
        var texts = Enumerable.Range(0, Tasks).Select(i => $"task-{i:x6}").ToArray();
        var messages = texts.Select(t => Encoding.UTF8.GetBytes($$"""{"event_type":"avatar_talking_message","task_id":"{{t}}","message":"w"}""")).ToArray();
        var spoken = new SpokenTaskIds();
        var cache = new StreamingEventParserCache(spoken);
        using var done = new CancellationTokenSource();
        using var started = new CountdownEvent(2);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            var n = 0L;
            do
            {
                spoken.Add(Fresh(n % 3 == 0 ? $"task-{n % Tasks:x5}z" : texts[(int)((n * 7 + w) % Tasks)]));
                if (n++ == 0)
                {
                    started.Signal();
                }
            }
            while (!done.IsCancellationRequested);

            return n;
        })).ToArray();
        var wrong = new List<string>();
        try
        {
            started.Wait(TimeSpan.FromSeconds(20)).Should().BeTrue("both speak threads run before the parsing starts");
            for (var i = 0; i < Events; i++)
            {
                // Three events a task, then the next task: a new id for the cache every third event.
                var task = i / 3 % Tasks;
                StreamingEventParser.TryParse(messages[task], "event_type", "s-1", At, cache, out var evt).Should().BeTrue();
                if (!string.Equals(evt!.TaskId, texts[task], StringComparison.Ordinal))
                {
                    wrong.Add($"{texts[task]} read as {evt.TaskId}");
                }
            }
        }
        finally
        {
            done.Cancel();
        }

        await Task.WhenAll(writers);
        wrong.Should().BeEmpty();

        // And once the speaks are over, a new task among the registered ones gets its registered string.
        var last = Fresh("task-ffffff");
        spoken.Add(last);
        Parse("""{"event_type":"avatar_start_talking","task_id":"task-ffffff"}""", cache).TaskId.Should().BeSameAs(last);
    }

    private static StreamingEvent Parse(string json, StreamingEventParserCache cache, string nameProperty = "event_type")
    {
        StreamingEventParser.TryParse(Encoding.UTF8.GetBytes(json), nameProperty, "s-1", At, cache, out var evt).Should().BeTrue(json);
        return evt!;
    }

    // A string of its own, as a REST answer's deserializer makes it (never the literal's interned instance).
    private static string Fresh(string text) => new(text.AsSpan());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Weak, bool Found) AddOne(SpokenTaskIds spoken, string text)
    {
        var id = Fresh(text);
        spoken.Add(id);
        return (new WeakReference(id), ReferenceEquals(spoken.Find(Encoding.UTF8.GetBytes(text)), id));
    }
}
