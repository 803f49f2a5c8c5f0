namespace DistSync.Actors;

internal sealed class NobodyActorRef : IActorRef
{
    public static readonly NobodyActorRef Instance = new();

    public ActorPath Path { get; } = new(new Address(Address.DefaultProtocol, "all-systems"), ["nobody"]);

    public void Tell(object message, IActorRef? sender = null)
    {
        // Nobody swallows everything by design.
    }

    public override string ToString() => "Nobody";
}
