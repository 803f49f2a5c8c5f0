using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Actor.Setup;
using DistSync.Persistence.Serialization;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Hands the node's <see cref="PersistenceSerializerRegistry"/> (the pinned event and snapshot type ids) to
/// <see cref="DistSyncEventSerializer"/> and to the journal and snapshot plugins when Akka builds them. Register every
/// persisted type (e.g. <c>RaftMessageIds.Register(registry)</c>) before the actor system starts.
/// </summary>
public sealed class EventRegistrySetup(PersistenceSerializerRegistry registry) : Setup
{
    // A system without this setup still gets one registry for the serializer and both plugins, so they agree.
    private static readonly ConditionalWeakTable<ActorSystem, PersistenceSerializerRegistry> BuiltInsOnly = new();

    public PersistenceSerializerRegistry Registry { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    /// <summary>The registry of <paramref name="system"/>'s setup; without one, a registry of the built-ins
    /// (byte[], string, long) only: enough for tools and tests that persist nothing else.</summary>
    internal static PersistenceSerializerRegistry RegistryOf(ActorSystem system)
    {
        var setup = system.Settings.Setup.Get<EventRegistrySetup>();
        return setup.HasValue
            ? setup.Value.Registry
            : BuiltInsOnly.GetValue(system, _ => PersistenceSerializerRegistry.CreateWithBuiltIns());
    }
}
