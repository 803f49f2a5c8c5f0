namespace DistSync.Actors.Remote;

/// <summary>Access to the remoting of a system started with <see cref="RemoteActorRefProvider.StartAsync"/>.</summary>
public static class ActorSystemRemotingExtensions
{
    /// <summary>The system's remoting (addresses, peers' reachability and phi, fault injector, metrics).</summary>
    /// <exception cref="InvalidOperationException">remoting was not started for this system</exception>
    public static RemoteActorRefProvider Remoting(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.RemoteProvider as RemoteActorRefProvider
               ?? throw new InvalidOperationException($"Actor system '{system.Name}' has no remoting: start it with RemoteActorRefProvider.StartAsync.");
    }
}
