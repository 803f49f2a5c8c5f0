using Akka.Actor;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The per-node entry point of Raft traffic, at the well-known path <c>/system/raft</c>: dispatches peers'
/// <see cref="GroupMessage"/>s, forwarded proposals and admin requests, and join requests to the group's
/// <see cref="RaftActor"/> child (<c>g-{group}</c>) with the original sender. Multi-Raft ready: groups are
/// started with <see cref="StartGroup"/>.
/// </summary>
internal sealed class RaftRouter : ReceiveActor
{
    public const string Name = "raft";

    private readonly Dictionary<int, IActorRef> groups = new();

    public RaftRouter()
    {
        Receive<StartGroup>(start =>
        {
            if (!groups.TryGetValue(start.GroupId, out var child))
            {
                child = Context.ActorOf(start.Props, ChildName(start.GroupId));
                groups[start.GroupId] = child;
            }
            Sender.Tell(child);
        });
        Receive<GroupMessage>(m => Dispatch(m.GroupId, m, reply: null));
        Receive<ForwardProposal>(m => Dispatch(m.GroupId, m, new ProposalOutcome { Code = OutcomeCode.Invalid, Error = $"raft group {m.GroupId} is not hosted on this node" }));
        Receive<ForwardAdmin>(m => Dispatch(m.GroupId, m, new ProposalOutcome { Code = OutcomeCode.Invalid, Error = $"raft group {m.GroupId} is not hosted on this node" }));
        Receive<JoinRequest>(m => Dispatch(m.GroupId, m, reply: null));
    }

    public static string ChildName(int groupId) => $"g-{groupId}";

    /// <summary>A group whose log actor failed (a journal write or recovery) restarts and recovers from its journal, up
    /// to 10 times a minute; beyond that it stays stopped (role "stopped", requests fail) instead of looping on a broken
    /// disk. Akka's default would restart without limit.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void Dispatch(int groupId, object message, ProposalOutcome? reply)
    {
        if (groups.TryGetValue(groupId, out var child))
        {
            child.Tell(message, Sender);
            return;
        }
        if (reply is not null) Sender.Tell(reply, Self);
    }
}
