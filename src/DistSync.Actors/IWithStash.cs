namespace DistSync.Actors;

/// <summary>Implement on an actor to get <see cref="Stash"/> injected after construction. On restart the stash
/// is unstashed into the mailbox (as in Akka); on stop its messages go to dead letters.</summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}
