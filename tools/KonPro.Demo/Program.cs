using System.Globalization;
using KonPro.Demo;

// The scripted KonPro streaming avatar conversation: against the embedded fake server by default, or a real
// endpoint with --base-url and --api-key (or --token). Exit code 0 on success, 1 on failure, 2 on bad arguments.
const string Usage = """
    KonPro.Demo: a scripted conversation with a KonPro streaming avatar, with a live transcript.

    Usage: dotnet run --project tools/KonPro.Demo [-- options]

    With no options it starts the embedded fake KonPro server (in process, on 127.0.0.1, time-scaled so the
    script finishes in well under a minute) and runs the script against it:
      create a session token (admin client), start the avatar, speak a REPEAT and a TALK task, interrupt a long
      utterance, send a typed message, stream a short generated audio clip through voice chat, keep alive, stop.
    It prints the transcript as it happens and ends with a summary table (events per type, latency of each call).

    Options:
      --base-url <url>     run against this KonPro endpoint instead of the embedded fake
      --api-key <key>      the account's API key (the script creates a session token with it)
      --token <token>      a session token to use directly (no admin call)
      --time-scale <x>     the embedded fake's time scale (default 0.2; 1 = real time)
      --timeout <seconds>  give up after this long (default 120)
      --room               also join the session's LiveKit room (the embedded fake hosts one; needs Node.js 20+):
                           shows the avatar's tracks, video and audio frame counts and rates, and writes a PNG
                           snapshot of the talking avatar. WebRTC ignores loopback: on a machine whose only
                           network is loopback, run it inside eng/netns-run. Where LiveKit's native library is not
                           shipped (it is for linux-x64), says so and runs on the chat socket alone.
      --snapshot <file>    where --room writes the PNG (default avatar-snapshot.png)

    Bring your own LLM (the conversation pipeline, KonPro.Streaming.Conversation):
      --llm                run a conversation between the avatar and a chat model instead of the script: typed and
                           voice turns, answers spoken sentence by sentence as they stream, and a barge-in.
                           Without --llm-url the model is a small deterministic STAND-IN that ships with the demo
                           (offline; not an LLM).
      --llm-url <url>      an OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 or http://localhost:11434/v1
      --llm-key <key>      its API key (never printed)
      --llm-model <name>   the model (default gpt-4o-mini)
      -h, --help           show this help

    Exit code: 0 when every step succeeded, 1 when a step failed or timed out, 2 for bad arguments.
    Works without a terminal (CI): progress is then printed as plain lines.
    """;

var settings = new DemoSettings();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "-h" or "--help" or "-?":
                Console.WriteLine(Usage);
                return 0;
            case "--base-url":
                settings.BaseUrl = Next(args, ref i);
                break;
            case "--api-key":
                settings.ApiKey = Next(args, ref i);
                break;
            case "--token":
                settings.Token = Next(args, ref i);
                break;
            case "--time-scale":
                settings.TimeScale = double.Parse(Next(args, ref i), CultureInfo.InvariantCulture);
                break;
            case "--room":
                settings.Room = true;
                break;
            case "--snapshot":
                settings.SnapshotPath = Next(args, ref i);
                break;
            case "--timeout":
                settings.Timeout = TimeSpan.FromSeconds(double.Parse(Next(args, ref i), CultureInfo.InvariantCulture));
                break;
            case "--llm":
                settings.Llm = true;
                break;
            case "--llm-url":
                settings.LlmUrl = Next(args, ref i);
                break;
            case "--llm-key":
                settings.LlmKey = Next(args, ref i);
                break;
            case "--llm-model":
                settings.LlmModel = Next(args, ref i);
                break;
            default:
                throw new ArgumentException($"Unknown option '{args[i]}'.");
        }
    }

    settings.Validate();
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("Run with --help for the options.");
    return 2;
}

return settings.Llm
    ? await new KonPro.Demo.Llm.LlmScript(settings).RunAsync()
    : await new ConversationScript(settings).RunAsync();

static string Next(string[] args, ref int i) =>
    ++i < args.Length ? args[i] : throw new ArgumentException($"Option '{args[i - 1]}' needs a value.");
