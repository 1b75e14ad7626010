using System.Runtime.InteropServices;
using Spectre.Console.Cli;

namespace KonPro.Tools.Cli;

/// <summary>
/// How every command-line tool of the repository (the fake server, the demo) parses its command line: one
/// Spectre.Console.Cli command, strict parsing, <c>--help</c> and <c>--version</c>, errors on standard error with
/// exit code 2 (1 when the command itself fails), and Ctrl+C or SIGTERM as the command's cancellation.
/// Linked as source into each tool (tools/Shared/Cli).
/// </summary>
internal static class KonProCli
{
    /// <summary>Exit code of a command line that does not parse or validate.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a command that failed while running.</summary>
    public const int Failure = 1;

    public static async Task<int> RunAsync<TCommand>(string name, string description, string[] args)
        where TCommand : class, ICommand
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            var app = new CommandApp<TCommand>().WithDescription(description);
            app.Configure(config =>
            {
                config.SetApplicationName(name);
                config.UseAssemblyInformationalVersion();
                config.UseStrictParsing();
                config.SetExceptionHandler((exception, _) =>
                {
                    Console.Error.WriteLine(exception.Message);
                    if (exception is CommandAppException)
                    {
                        Console.Error.WriteLine($"Run {name} --help for the options.");
                        return UsageError;
                    }

                    return Failure;
                });
            });
            return await app.RunAsync(args, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
