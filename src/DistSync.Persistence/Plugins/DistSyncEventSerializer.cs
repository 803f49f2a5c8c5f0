using System.Globalization;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using DistSync.Persistence.Serialization;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Serializes persisted events and snapshots through the <see cref="PersistenceSerializerRegistry"/>: the bytes are
/// the registry's (Protobuf for Raft's events), the manifest is the decimal pinned type id
/// (<see cref="PersistenceTypeIds"/>, Raft's 100..104). So a row stored as type_id 100 is exactly (4101, "100"), and
/// the journal files written before the move to Akka read unchanged. Bound type by type by
/// <see cref="EventSerialization.Config"/>.
/// </summary>
public sealed class DistSyncEventSerializer : SerializerWithStringManifest
{
    /// <summary>Akka reserves 0-40; the wire serializer is 4100. Never change: it is stored with foreign plugins' rows.</summary>
    public const int SerializerId = 4101;

    /// <summary>The name the serializer has in <c>akka.actor.serializers</c>.</summary>
    public const string Name = "dsync-event";

    private readonly PersistenceSerializerRegistry _registry;

    /// <summary>The constructor Akka calls for the HOCON binding: the registry comes from the system's
    /// <see cref="EventRegistrySetup"/>.</summary>
    public DistSyncEventSerializer(ExtendedActorSystem system)
        : this(system, EventRegistrySetup.RegistryOf(system))
    {
    }

    public DistSyncEventSerializer(ExtendedActorSystem system, PersistenceSerializerRegistry registry)
        : base(system)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        _registry.TryGetTypeId(o.GetType(), out var id)
            ? id.ToString(CultureInfo.InvariantCulture)
            : throw new SerializationException($"{o.GetType().FullName} has no persistence type id; register it in the PersistenceSerializerRegistry");

    public override byte[] ToBinary(object obj)
    {
        try
        {
            return _registry.Serialize(obj).Payload;
        }
        catch (InvalidOperationException e)
        {
            throw new SerializationException(e.Message, e);
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!int.TryParse(manifest, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !_registry.IsRegistered(id))
            throw new SerializationException($"unknown DistSync event manifest '{manifest}' ({bytes.Length} bytes); was a type removed or renumbered?");
        try
        {
            return _registry.Deserialize(id, bytes);
        }
        catch (Exception e) when (e is InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            throw new SerializationException($"malformed DistSync event of type {manifest} ({bytes.Length} bytes): {e.Message}", e);
        }
    }
}
