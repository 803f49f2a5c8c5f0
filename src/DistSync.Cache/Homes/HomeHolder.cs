using Akka.Actor;

namespace DistSync.Cache.Homes;

/// <summary>One node's copy as a home's directory records it: the line that holds it (Nobody and line id 0 when the
/// home only knows the node may hold one, after a recall it got no answer to), and whether it is the owner (E or M).</summary>
internal sealed record HomeHolder(IActorRef Line, ulong LineId, bool Owner)
{
    /// <summary>A copy the home could not rule out: treated as a possible owner, so every read recalls it with a
    /// write-back and every write invalidates it.</summary>
    public bool Unknown => LineId == 0;
}
