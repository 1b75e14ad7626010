using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace KonPro.Streaming.TestSupport.Architecture;

/// <summary>
/// The dependency graph between the top-level folders of one project, read from its compiled assembly: every type
/// definition the IL of a method references (calls, field accesses, <c>newobj</c>, casts, <c>typeof</c>, generic
/// instantiations), every type a signature names (fields, properties, parameters, return types, locals), and every
/// base type and interface. A folder is found from the assembly's portable PDB: the source file of each method, and
/// for types without method bodies (enums, interfaces) the compiler's TypeDefinitionDocuments record. Namespaces are
/// not used: in src/Reactive most folders share the root namespace. Linked into every test project (tests/Shared).
/// </summary>
internal static class FolderGraph
{
    /// <summary>The name of the folder for files directly in the project folder.</summary>
    public const string Root = "(root)";

    private static readonly Guid TypeDefinitionDocumentsKind = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>
    /// Reads the graph of <paramref name="assembly"/>, whose sources lie under <paramref name="projectFolder"/>
    /// (a repository-relative path such as <c>src/Reactive</c>). Each key is a folder; its set holds the folders it
    /// depends on (never itself). Code the build generated outside the project folder counts for the folder of the
    /// type it belongs to.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Read(Assembly assembly, string projectFolder)
    {
        var path = assembly.Location;
        var pdbPath = Path.ChangeExtension(path, ".pdb");
        if (!File.Exists(pdbPath))
        {
            throw new FileNotFoundException($"The architecture test needs the portable PDB beside {path}.", pdbPath);
        }

        using var pe = new PEReader(File.OpenRead(path));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdbPath));
        var metadata = pe.GetMetadataReader();
        var pdb = pdbProvider.GetMetadataReader();
        var marker = "/" + projectFolder.Trim('/') + "/";

        string? FolderOf(DocumentHandle handle)
        {
            var name = pdb.GetString(pdb.GetDocument(handle).Name).Replace('\\', '/');
            var at = name.LastIndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                return null; // generated outside the project (source generators, global usings)
            }

            var relative = name[(at + marker.Length)..];
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                return null;
            }

            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? Root : relative[..slash];
        }

        // The folder of each method with a body, and the folders of each type's files.
        var methodFolders = new Dictionary<MethodDefinitionHandle, string>();
        var typeFolders = new Dictionary<TypeDefinitionHandle, List<string>>();
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            foreach (var methodHandle in metadata.GetTypeDefinition(typeHandle).GetMethods())
            {
                var debug = pdb.GetMethodDebugInformation(methodHandle);
                var folder = debug.SequencePointsBlob.IsNil ? null : FirstFolder(debug, FolderOf);
                if (folder is not null)
                {
                    methodFolders[methodHandle] = folder;
                    Add(typeFolders, typeHandle, folder);
                }
            }
        }

        foreach (var cdiHandle in pdb.CustomDebugInformation)
        {
            var cdi = pdb.GetCustomDebugInformation(cdiHandle);
            if (cdi.Parent.Kind != HandleKind.TypeDefinition || pdb.GetGuid(cdi.Kind) != TypeDefinitionDocumentsKind)
            {
                continue;
            }

            var blob = pdb.GetBlobReader(cdi.Value);
            while (blob.RemainingBytes > 0)
            {
                var document = MetadataTokens.DocumentHandle(blob.ReadCompressedInteger());
                if (FolderOf(document) is { } folder)
                {
                    Add(typeFolders, (TypeDefinitionHandle)cdi.Parent, folder);
                }
            }
        }

        // A type's home: its outermost declaring type's, then the folder of most of its members.
        var home = new Dictionary<TypeDefinitionHandle, string>();
        string? HomeOf(TypeDefinitionHandle type)
        {
            if (home.TryGetValue(type, out var known))
            {
                return known;
            }

            var definition = metadata.GetTypeDefinition(type);
            var declaring = definition.GetDeclaringType();
            var folder = !declaring.IsNil
                ? HomeOf(declaring)
                : typeFolders.TryGetValue(type, out var folders)
                    ? folders.GroupBy(f => f).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key
                    : null;
            if (folder is not null)
            {
                home[type] = folder;
            }

            return folder;
        }

        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var folder in typeFolders.Values.SelectMany(f => f))
        {
            graph.TryAdd(folder, new HashSet<string>(StringComparer.Ordinal));
        }

        void Depend(string? from, IEnumerable<TypeDefinitionHandle> targets)
        {
            if (from is null)
            {
                return;
            }

            foreach (var target in targets)
            {
                if (HomeOf(target) is { } to && to != from)
                {
                    graph[from].Add(to);
                }
            }
        }

        var collector = new TypeCollector(metadata);
        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            var typeHome = HomeOf(typeHandle);

            Depend(typeHome, collector.OfEntity(type.BaseType));
            foreach (var implementation in type.GetInterfaceImplementations())
            {
                Depend(typeHome, collector.OfEntity(metadata.GetInterfaceImplementation(implementation).Interface));
            }

            foreach (var parameter in type.GetGenericParameters())
            {
                foreach (var constraint in metadata.GetGenericParameter(parameter).GetConstraints())
                {
                    Depend(typeHome, collector.OfEntity(metadata.GetGenericParameterConstraint(constraint).Type));
                }
            }

            Depend(typeHome, AttributeTypes(metadata, collector, type.GetCustomAttributes()));

            foreach (var fieldHandle in type.GetFields())
            {
                var field = metadata.GetFieldDefinition(fieldHandle);
                Depend(typeHome, collector.Collect(p => field.DecodeSignature(p, null)));
                Depend(typeHome, AttributeTypes(metadata, collector, field.GetCustomAttributes()));
            }

            foreach (var propertyHandle in type.GetProperties())
            {
                var property = metadata.GetPropertyDefinition(propertyHandle);
                Depend(typeHome, collector.Collect(p => property.DecodeSignature(p, null)));
                Depend(typeHome, AttributeTypes(metadata, collector, property.GetCustomAttributes()));
            }

            foreach (var eventHandle in type.GetEvents())
            {
                Depend(typeHome, collector.OfEntity(metadata.GetEventDefinition(eventHandle).Type));
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                var from = methodFolders.GetValueOrDefault(methodHandle) ?? typeHome;
                Depend(from, collector.Collect(p => method.DecodeSignature(p, null)));
                Depend(from, AttributeTypes(metadata, collector, method.GetCustomAttributes()));
                foreach (var parameterHandle in method.GetParameters())
                {
                    Depend(from, AttributeTypes(metadata, collector, metadata.GetParameter(parameterHandle).GetCustomAttributes()));
                }

                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    var locals = metadata.GetStandaloneSignature(body.LocalSignature);
                    Depend(from, collector.Collect(p => locals.DecodeLocalSignature(p, null)));
                }

                foreach (var region in body.ExceptionRegions)
                {
                    Depend(from, collector.OfEntity(region.CatchType));
                }

                Depend(from, IlReferences(metadata, collector, body.GetILReader()));
            }
        }

        return graph.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value, StringComparer.Ordinal);
    }

    private static string? FirstFolder(MethodDebugInformation debug, Func<DocumentHandle, string?> folderOf)
    {
        foreach (var point in debug.GetSequencePoints())
        {
            if (!point.IsHidden && folderOf(point.Document) is { } folder)
            {
                return folder;
            }
        }

        return null;
    }

    private static void Add(Dictionary<TypeDefinitionHandle, List<string>> map, TypeDefinitionHandle type, string folder)
    {
        if (!map.TryGetValue(type, out var list))
        {
            map[type] = list = [];
        }

        list.Add(folder);
    }

    private static IEnumerable<TypeDefinitionHandle> AttributeTypes(MetadataReader metadata, TypeCollector collector, CustomAttributeHandleCollection attributes)
    {
        var found = new List<TypeDefinitionHandle>();
        foreach (var handle in attributes)
        {
            found.AddRange(collector.OfEntity(metadata.GetCustomAttribute(handle).Constructor));
        }

        return found;
    }

    /// <summary>The type definitions named by the tokens of one method body's instructions.</summary>
    private static List<TypeDefinitionHandle> IlReferences(MetadataReader metadata, TypeCollector collector, BlobReader il)
    {
        var found = new List<TypeDefinitionHandle>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            switch (OperandTypes[value])
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32(); // read before the offset: `Offset += 4 * ReadInt32()` would lose the count's 4 bytes
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    found.AddRange(collector.OfEntity(MetadataTokens.EntityHandle(il.ReadInt32())));
                    break;
                default: // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    il.Offset += 4;
                    break;
            }
        }

        return found;
    }

    /// <summary>Collects the type definitions of this assembly that a handle or a signature names.</summary>
    private sealed class TypeCollector(MetadataReader metadata) : ISignatureTypeProvider<int, object?>
    {
        private readonly List<TypeDefinitionHandle> _found = [];

        public List<TypeDefinitionHandle> Collect(Action<TypeCollector> decode)
        {
            _found.Clear();
            decode(this);
            return [.. _found];
        }

        public List<TypeDefinitionHandle> OfEntity(EntityHandle handle) => Collect(_ => Visit(handle));

        private void Visit(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    _found.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    metadata.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    _found.Add(metadata.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    _found.Add(metadata.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = metadata.GetMemberReference((MemberReferenceHandle)handle);
                    Visit(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var specification = metadata.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Visit(specification.Method);
                    specification.DecodeSignature(this, null);
                    break;
            }
        }

        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            _found.Add(handle);
            return 0;
        }

        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => 0;

        public int GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
            return 0;
        }

        public int GetSZArrayType(int elementType) => 0;

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
    }
}
