using Akka.Actor;
using DistSync.Cache.Wire;

namespace DistSync.Cache.Homes;

/// <summary>The request a home is working on: the recalls it sent and still waits for, the answers so far, and what it
/// does once every answer is in (or the wait timed out).</summary>
internal sealed class HomeOperation
{
    public HomeOperation(ulong id, string kind, IActorRef requester, Address? requesterAddress)
    {
        Id = id;
        Kind = kind;
        Requester = requester;
        RequesterAddress = requesterAddress;
    }

    public ulong Id { get; }

    /// <summary>For logs: rebuild, read, write, invalidate, reinvalidate, hand-off.</summary>
    public string Kind { get; }

    public IActorRef Requester { get; }
    public Address? RequesterAddress { get; }
    public ulong RequestId { get; init; }
    public ulong LineId { get; init; }

    public HashSet<Address> Waiting { get; } = [];
    public List<(Address Node, IActorRef From, RecallAck Ack)> Acks { get; } = [];

    /// <summary>Nodes that did not answer before the operation timed out.</summary>
    public List<Address> TimedOut { get; } = [];

    /// <summary>Runs when <see cref="Waiting"/> is empty (all answered, dropped as unreachable, or timed out).</summary>
    public Action<HomeOperation> Then { get; set; } = _ => { };

    /// <summary>Runs with the backing store's answer when the operation made a store call.</summary>
    public Action<StoreDone> AfterStore { get; set; } = _ => { };
}
