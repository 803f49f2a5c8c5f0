namespace DistSync.Actors;

/// <summary>
/// Seam for remoting: once installed with <see cref="ActorSystem.UseRemoting"/>, the system's address becomes
/// <see cref="LocalAddress"/> and paths with any other non-local address resolve through <see cref="ResolveRemote"/>.
/// </summary>
public interface IRemoteActorRefProvider
{
    /// <summary><c>dsync://system@host:port</c> of this system.</summary>
    Address LocalAddress { get; }

    /// <summary>A ref for an actor of another system (never null; messages to unknown actors become dead letters there).</summary>
    IActorRef ResolveRemote(ActorPath path);
}
