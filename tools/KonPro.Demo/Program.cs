using KonPro.Demo;
using KonPro.Tools.Cli;

// The scripted KonPro streaming avatar conversation: against the embedded fake server by default, or a real
// endpoint with --base-url and --api-key (or --token). Exit code 0 on success, 1 on failure, 2 on bad arguments.
// Works without a terminal (CI): progress is then printed as plain lines.
return await KonProCli.RunAsync<DemoCommand>(
    "konpro-demo",
    "A scripted conversation with a KonPro streaming avatar, with a live transcript; with no options against the embedded fake server (no account needed). Exit code: 0 when every step succeeded, 1 when a step failed or timed out, 2 for bad arguments.",
    args);
