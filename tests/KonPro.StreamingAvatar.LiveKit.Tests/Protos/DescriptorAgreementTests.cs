using Google.Protobuf.Reflection;
using KonPro.Streaming.LiveKit.Proto;

namespace KonPro.Streaming.LiveKit.Tests.Protos;

/// <summary>
/// The hand-written FFI protocol subset (src/LiveKit/Protos) against the descriptors of the pinned native version,
/// so that a version bump cannot silently move a field.
/// </summary>
public sealed class DescriptorAgreementTests
{
    private static readonly FileDescriptor[] Files =
    [
        HandleReflection.Descriptor,
        ParticipantReflection.Descriptor,
        TrackReflection.Descriptor,
        VideoFrameReflection.Descriptor,
        AudioFrameReflection.Descriptor,
        RoomReflection.Descriptor,
        FfiReflection.Descriptor,
    ];

    // protobuf-es writes scalar types as descriptor.proto's FieldDescriptorProto.Type numbers.
    private static readonly Dictionary<FieldType, string> ScalarNumbers = new()
    {
        [FieldType.Double] = "1", [FieldType.Float] = "2", [FieldType.Int64] = "3", [FieldType.UInt64] = "4",
        [FieldType.Int32] = "5", [FieldType.Fixed64] = "6", [FieldType.Fixed32] = "7", [FieldType.Bool] = "8",
        [FieldType.String] = "9", [FieldType.Bytes] = "12", [FieldType.UInt32] = "13", [FieldType.SFixed32] = "15",
        [FieldType.SFixed64] = "16", [FieldType.SInt32] = "17", [FieldType.SInt64] = "18",
    };

    [Fact]
    public void Every_field_of_every_message_matches_the_pinned_descriptors_in_number_name_type_and_cardinality()
    {
        var (upstream, _) = UpstreamDescriptors.Load();
        var problems = new List<string>();
        var checkedFields = 0;

        foreach (var message in AllMessages())
        {
            var name = message.FullName["livekit.proto.".Length..];
            if (!upstream.TryGetValue(name, out var fields))
            {
                problems.Add($"{name}: no such message upstream");
                continue;
            }

            foreach (var field in message.Fields.InDeclarationOrder())
            {
                checkedFields++;
                var theirs = fields.FirstOrDefault(f => f.Number == field.FieldNumber);
                if (theirs is null)
                {
                    problems.Add($"{name}.{field.Name} = {field.FieldNumber}: no field with that number upstream");
                    continue;
                }

                if (theirs.Name != field.Name)
                {
                    problems.Add($"{name} field {field.FieldNumber}: ours is {field.Name}, upstream {theirs.Name}");
                }

                var (kind, type) = Describe(field);
                if (theirs.Kind != kind || theirs.Type != type)
                {
                    problems.Add($"{name}.{field.Name}: ours is {kind} {type}, upstream {theirs.Kind} {theirs.Type}");
                }

                if (theirs.Repeated != field.IsRepeated)
                {
                    problems.Add($"{name}.{field.Name}: repeated {field.IsRepeated}, upstream {theirs.Repeated}");
                }

                var oneof = field.RealContainingOneof?.Name;
                if (theirs.Oneof != oneof)
                {
                    problems.Add($"{name}.{field.Name}: oneof {oneof ?? "none"}, upstream {theirs.Oneof ?? "none"}");
                }
            }
        }

        problems.Should().BeEmpty();
        checkedFields.Should().BeGreaterThan(100, "the subset covers the requests, responses and events the connector uses");
    }

    [Fact]
    public void Every_value_of_every_enum_matches_the_pinned_descriptors()
    {
        var (_, upstream) = UpstreamDescriptors.Load();
        var problems = new List<string>();
        var enums = Files.SelectMany(f => f.EnumTypes).Concat(AllMessages().SelectMany(m => m.EnumTypes)).ToList();

        foreach (var enumeration in enums)
        {
            var name = enumeration.FullName["livekit.proto.".Length..];
            if (!upstream.TryGetValue(name, out var values))
            {
                problems.Add($"{name}: no such enum upstream");
                continue;
            }

            foreach (var value in enumeration.Values)
            {
                if (!values.TryGetValue(value.Name, out var number) || number != value.Number)
                {
                    problems.Add($"{name}.{value.Name} = {value.Number}: upstream {(values.TryGetValue(value.Name, out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "has no such value")}");
                }
            }
        }

        problems.Should().BeEmpty();
        enums.Should().HaveCountGreaterThan(10);
    }

    [Fact]
    public void The_reader_of_the_upstream_descriptors_finds_what_the_native_core_defines()
    {
        var (messages, enums) = UpstreamDescriptors.Load();

        messages.Should().ContainKey("FfiRequest").WhoseValue.Should().Contain(new UpstreamField(3, "connect", "message", "ConnectRequest", false, "message"));
        messages["ConnectCallback"].Should().Contain(new UpstreamField(3, "result", "message", "ConnectCallback.Result", false, "message"));
        messages["VideoBufferInfo"].Should().Contain(new UpstreamField(7, "components", "message", "VideoBufferInfo.ComponentInfo", true, null));
        enums["DisconnectReason"].Should().Contain("ROOM_DELETED", 5);
        messages.Should().HaveCountGreaterThan(300);
    }

    private static IEnumerable<MessageDescriptor> AllMessages()
    {
        var stack = new Stack<MessageDescriptor>(Files.SelectMany(f => f.MessageTypes));
        while (stack.Count > 0)
        {
            var message = stack.Pop();
            yield return message;
            foreach (var nested in message.NestedTypes)
            {
                stack.Push(nested);
            }
        }
    }

    private static (string Kind, string Type) Describe(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => ("message", field.MessageType.FullName["livekit.proto.".Length..]),
        FieldType.Enum => ("enum", field.EnumType.FullName["livekit.proto.".Length..]),
        _ => ("scalar", ScalarNumbers[field.FieldType]),
    };
}
