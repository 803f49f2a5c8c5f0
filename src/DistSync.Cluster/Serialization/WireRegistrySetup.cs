using Akka.Actor;
using Akka.Actor.Setup;

namespace DistSync.Cluster.Serialization;

/// <summary>Hands the node's <see cref="MessageTypeRegistry"/> to <see cref="DistSyncWireSerializer"/> when Akka builds
/// it. The registry must be complete before the actor system starts: a peer's first message may arrive at once.</summary>
public sealed class WireRegistrySetup(MessageTypeRegistry registry) : Setup
{
    public MessageTypeRegistry Registry { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    internal static MessageTypeRegistry RegistryOf(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<WireRegistrySetup>();
        if (!setup.HasValue)
            throw new InvalidOperationException($"actor system '{system.Name}' has no {nameof(WireRegistrySetup)}: the DistSync wire serializer has no type ids");
        return setup.Value.Registry;
    }
}
