namespace DistSync.Actors;

/// <summary>
/// How to create an actor: a factory (called again on every restart, so it must return a fresh instance),
/// plus optional supervision of the actor's children and a per-actor mailbox throughput.
/// </summary>
public sealed class Props
{
    private Props(Type actorType, Func<ActorBase> factory, SupervisorStrategy? supervisorStrategy, int? throughput)
    {
        ActorType = actorType;
        Factory = factory;
        SupervisorStrategy = supervisorStrategy;
        MailboxThroughput = throughput;
    }

    public Type ActorType { get; }

    internal Func<ActorBase> Factory { get; }

    /// <summary>Strategy this actor applies to its children (overrides <see cref="ActorBase.SupervisorStrategy"/>).</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>Messages per turn; null = system default (<c>dsync.actors.throughput</c>).</summary>
    public int? MailboxThroughput { get; }

    public static Props Create<T>(Func<T> factory)
        where T : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(typeof(T), factory, null, null);
    }

    public static Props Create<T>()
        where T : ActorBase, new() => new(typeof(T), static () => new T(), null, null);

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) =>
        new(ActorType, Factory, strategy ?? throw new ArgumentNullException(nameof(strategy)), MailboxThroughput);

    public Props WithMailboxThroughput(int throughput) =>
        throughput < 1
            ? throw new ArgumentOutOfRangeException(nameof(throughput), throughput, "Throughput must be at least 1.")
            : new(ActorType, Factory, SupervisorStrategy, throughput);

    public override string ToString() => $"Props({ActorType.Name})";
}
