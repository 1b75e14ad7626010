using KonPro.FakeServer;
using KonPro.Tools.Cli;

// The command-line host of the KonPro fake server: serves until Ctrl+C or SIGTERM.
return await KonProCli.RunAsync<FakeServerCommand>(
    "konpro-fake-server",
    "An offline fake of the KonPro Streaming Avatar API (REST + chat WebSocket) on 127.0.0.1. Also records a real service through a proxy (--proxy URL --record DIR) and replays the recording offline (--replay DIR). When ready it prints one line: KonPro fake server listening on http://127.0.0.1:<port>",
    args);
