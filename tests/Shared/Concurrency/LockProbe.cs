using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace KonPro.Streaming.TestSupport.Concurrency;

/// <summary>
/// Finds the locks of ours that the current thread holds: called from inside an observer, it proves that a user's
/// callback does not run under one. Walks the object graph from a root through the fields of the SDK's own types
/// (<c>KonPro.*</c> assemblies, and the collections and delegates they hold) and reports every
/// <see cref="Lock"/> held by this thread and every object this thread has entered with <c>lock</c> (a monitor).
/// Linked into every test project.
/// </summary>
internal static class LockProbe
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The held locks reachable from <paramref name="root"/>, each named by its field's path.</summary>
    public static IReadOnlyList<string> HeldFrom(object root)
    {
        var held = new List<string>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        pending.Push((root, root.GetType().Name));
        while (pending.TryPop(out var item))
        {
            var (value, path) = item;
            if (!seen.Add(value))
            {
                continue;
            }

            if (value is Lock gate ? gate.IsHeldByCurrentThread : Monitor.IsEntered(value))
            {
                held.Add(path);
            }

            if (value is Delegate callback)
            {
                foreach (var target in callback.GetInvocationList().Select(d => d.Target).OfType<object>())
                {
                    pending.Push((target, path + ".Target"));
                }

                continue;
            }

            if (value is IEnumerable items and not string && IsOurs(value.GetType().GetGenericArguments()))
            {
                try
                {
                    var index = 0;
                    foreach (var element in items.Cast<object?>().Take(1000))
                    {
                        if (element is not null && !element.GetType().IsValueType)
                        {
                            pending.Push((element, $"{path}[{index}]"));
                        }

                        index++;
                    }
                }
                catch (InvalidOperationException)
                {
                    // Changed by another thread while walked: what was seen is enough.
                }
            }

            if (!IsOurs(value.GetType()))
            {
                continue;
            }

            for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
            {
                foreach (var field in type.GetFields(Fields | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsValueType || field.FieldType.IsPointer)
                    {
                        continue;
                    }

                    if (field.GetValue(value) is { } child)
                    {
                        pending.Push((child, path + "." + field.Name));
                    }
                }
            }
        }

        return held;
    }

    // The SDK's own types (and the compiler's closures inside them), not the runtime's or a library's.
    private static bool IsOurs(Type type) =>
        type.Assembly.GetName().Name is { } name && name.StartsWith("KonPro.", StringComparison.Ordinal)
        && !name.Contains(".Tests", StringComparison.Ordinal)
        || type.IsDefined(typeof(CompilerGeneratedAttribute)) && type.DeclaringType is { } outer && IsOurs(outer);

    private static bool IsOurs(Type[] typeArguments) => typeArguments.Any(IsOurs);
}
