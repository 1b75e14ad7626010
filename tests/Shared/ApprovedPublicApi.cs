using System.Reflection;
using FluentAssertions;
using PublicApiGenerator;

namespace KonPro.Streaming.TestSupport;

/// <summary>
/// Compares an assembly's public API with its approved snapshot in the repository. On a difference it writes the
/// current API beside the snapshot as <c>.received.txt</c> and fails: review it and, if the change is intended,
/// copy it over the <c>.approved.txt</c>. Linked into every test project (tests/Shared).
/// </summary>
internal static class ApprovedPublicApi
{
    private static readonly string[] IgnoredAttributes =
    [
        "System.Runtime.Versioning.TargetFrameworkAttribute",
        "System.Reflection.AssemblyMetadataAttribute",
        "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
        "System.CodeDom.Compiler.GeneratedCodeAttribute",
    ];

    // PublicApiGenerator leaves out every namespace starting with "Microsoft" or "System" unless allowed: the SDK's
    // dependency-injection extensions live in Microsoft.Extensions.DependencyInjection (the convention for them), so
    // without this the DI entry point would be missing from the snapshot and a break of it would pass unnoticed.
    private static readonly string[] AllowedNamespacePrefixes = ["Microsoft.Extensions"];

    /// <param name="assembly">The assembly whose public API is checked.</param>
    /// <param name="folder">The snapshot's folder, relative to the repository root.</param>
    public static void Verify(Assembly assembly, params string[] folder)
    {
        var name = assembly.GetName().Name!;
        var actual = assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeAttributes = IgnoredAttributes, AllowNamespacePrefixes = AllowedNamespacePrefixes }).ReplaceLineEndings("\n");
        var missing = assembly.GetExportedTypes()
            .Where(type => !actual.Contains($"namespace {type.Namespace}\n", StringComparison.Ordinal) || !actual.Contains(" " + type.Name.Split('`')[0], StringComparison.Ordinal))
            .Select(type => type.FullName)
            .ToList();
        missing.Should().BeEmpty("every public type must be in the snapshot, whatever its namespace");

        var directory = Path.Combine([RepositoryPaths.Root, .. folder]);
        var approvedPath = Path.Combine(directory, name + ".approved.txt");
        var receivedPath = Path.Combine(directory, name + ".received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        actual.Should().Be(approved, $"the public API changed: review {receivedPath} and, if intended, copy it over {approvedPath}");
    }
}
