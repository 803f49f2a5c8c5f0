namespace DistSync.Actors;

/// <summary>Well-known refs, as in Akka.</summary>
public static class ActorRefs
{
    /// <summary>"No sender": replies to it go to dead letters.</summary>
    public static readonly IActorRef? NoSender = null;

    /// <summary>A ref that is never anybody: messages to it are dropped.</summary>
    public static readonly IActorRef Nobody = NobodyActorRef.Instance;
}
