using System.Reflection;
using PublicApiGenerator;

// Prints the public API of the package named on the command line (KonPro.StreamingAvatar.Api or
// KonPro.StreamingAvatar, built with this tool) with the options of the PublicApi tests' snapshots
// (tests/Shared/ApprovedPublicApi.cs; ApiSurfaceToolTests checks the two agree), so that eng/api-changes can compare
// the working tree's build with the approved snapshot of another commit.
string[] packages = ["KonPro.StreamingAvatar.Api", "KonPro.StreamingAvatar"];
if (args.Length != 1 || !packages.Contains(args[0]))
{
    await Console.Error.WriteLineAsync($"usage: KonPro.ApiSurface <{string.Join('|', packages)}>").ConfigureAwait(false);
    return 2;
}

var assembly = Assembly.Load(args[0]);
var options = new ApiGeneratorOptions
{
    ExcludeAttributes =
    [
        "System.Runtime.Versioning.TargetFrameworkAttribute",
        "System.Reflection.AssemblyMetadataAttribute",
        "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
        "System.CodeDom.Compiler.GeneratedCodeAttribute",
    ],
    AllowNamespacePrefixes = ["Microsoft.Extensions"],
};
await Console.Out.WriteAsync(assembly.GeneratePublicApi(options).ReplaceLineEndings("\n")).ConfigureAwait(false);
return 0;
