using System.Globalization;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;

namespace DistSync.Cluster.Serialization;

/// <summary>
/// Serializes every DistSync message that crosses nodes: the Protobuf bytes of the message, with its pinned type id
/// (<see cref="MessageTypeRegistry"/>) as the manifest. Bound type by type (never through <c>IMessage</c>, which
/// Akka.Remote binds to its own reflective serializer) by <see cref="WireSerialization.Config"/>. An unknown manifest
/// or unparsable bytes are counted in <see cref="WireMetrics"/> and thrown: Akka logs and drops that one message and
/// the association stays up.
/// </summary>
public sealed class DistSyncWireSerializer : SerializerWithStringManifest
{
    /// <summary>Akka reserves 0-40; Hyperion is -5. Never change: it is in every remote envelope.</summary>
    public const int SerializerId = 4100;

    /// <summary>The name the serializer has in <c>akka.actor.serializers</c>.</summary>
    public const string Name = "dsync-wire";

    private readonly MessageTypeRegistry registry;

    /// <summary>The constructor Akka calls for the HOCON binding: the registry comes from the system's
    /// <see cref="WireRegistrySetup"/>.</summary>
    public DistSyncWireSerializer(ExtendedActorSystem system)
        : this(system, WireRegistrySetup.RegistryOf(system))
    {
    }

    public DistSyncWireSerializer(ExtendedActorSystem system, MessageTypeRegistry registry)
        : base(system)
    {
        ArgumentNullException.ThrowIfNull(registry);
        this.registry = registry;
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o)
    {
        if (registry.TryGetTypeId(o.GetType(), out uint id)) return id.ToString(CultureInfo.InvariantCulture);
        WireMetrics.CountFailure();
        throw new SerializationException($"{o.GetType().FullName} has no DistSync wire type id");
    }

    public override byte[] ToBinary(object obj)
    {
        if (obj is not IMessage message)
        {
            WireMetrics.CountFailure();
            throw new SerializationException($"{obj.GetType().FullName} is not a Protobuf message");
        }
        var bytes = message.ToByteArray();
        WireMetrics.CountOut(bytes.Length);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!uint.TryParse(manifest, NumberStyles.None, CultureInfo.InvariantCulture, out uint id) || !registry.TryGetParser(id, out var parser))
        {
            WireMetrics.CountFailure();
            throw new SerializationException($"unknown DistSync wire manifest '{manifest}' ({bytes.Length} bytes dropped)");
        }
        try
        {
            var message = parser.ParseFrom(bytes);
            WireMetrics.CountIn(bytes.Length);
            return message;
        }
        catch (InvalidProtocolBufferException e)
        {
            WireMetrics.CountFailure();
            throw new SerializationException($"malformed DistSync wire message of type {manifest} ({bytes.Length} bytes dropped): {e.Message}", e);
        }
    }
}
