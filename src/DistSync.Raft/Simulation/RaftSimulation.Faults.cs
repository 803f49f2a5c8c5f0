namespace DistSync.Raft.Simulation;

// Faults and operator actions: partitions, crashes at rest, restarts, membership changes and leader transfers.
public sealed partial class RaftSimulation
{
    private void InjectFault()
    {
        int r = rng.Next(100);
        var members = new List<SimNode>();
        foreach (var n in nodes.Values) if (!n.Removed) members.Add(n);
        if (r < 18)
        {
            // asymmetric partitions: isolate a node, cut one direction, or split the cluster in two
            var victim = members[rng.Next(members.Count)];
            int kind = rng.Next(3);
            foreach (var other in members)
            {
                if (other.Id == victim.Id) continue;
                if (kind == 0 || kind == 1) cutLinks.Add((victim.Id, other.Id));
                if (kind == 0 || kind == 2 || (kind == 1 && rng.Next(2) == 0)) cutLinks.Add((other.Id, victim.Id));
            }
            Log($"partition around {victim.Id} kind={kind}: cut {string.Join(" ", cutLinks.Select(l => $"{l.From}->{l.To}"))}");
        }
        else if (r < 38)
        {
            cutLinks.Clear();
            Log("heal");
        }
        else if (r < 52)
        {
            var up = members.FindAll(n => n.Up);
            if (up.Count > 1)
            {
                var victim = up[rng.Next(up.Count)];
                Log($"crash {victim.Id}");
                Crash(victim);
            }
        }
        else if (r < 70)
        {
            var down = members.FindAll(n => !n.Up);
            if (down.Count > 0)
            {
                var n = down[rng.Next(down.Count)];
                Log($"restart {n.Id}");
                StartNode(n);
            }
        }
        else if (r < 85)
        {
            ProposeMembershipChange(members);
        }
        else if (r < 95)
        {
            var leader = CurrentLeader();
            if (leader?.Raft is { } raft)
            {
                var candidates = new List<ulong>();
                foreach (ulong v in raft.Voters) if (v != leader.Id) candidates.Add(v);
                candidates.Sort();
                if (candidates.Count > 0)
                {
                    ulong to = candidates[rng.Next(candidates.Count)];
                    Log($"transfer leadership {leader.Id} -> {to}: {raft.TransferLeader(to)}");
                }
            }
        }
    }

    private void ProposeMembershipChange(List<SimNode> members)
    {
        var leader = CurrentLeader();
        if (leader?.Raft is not { } raft) return;
        var voters = new List<ulong>(raft.Voters);
        voters.Sort();
        var learners = new List<ulong>(raft.Learners);
        learners.Sort();
        var choices = new List<ConfChange>();
        if (learners.Count > 0 && voters.Count < options.MaxVoters)
            choices.Add(new ConfChange { Type = ConfChangeType.AddVoter, NodeId = learners[0] });
        if (learners.Count == 0 && voters.Count < options.MaxVoters)
            choices.Add(new ConfChange { Type = ConfChangeType.AddLearner, NodeId = nextNodeId });
        if (voters.Count > 3 || (voters.Count == 3 && options.MaxVoters > 3 && rng.Next(3) == 0))
            choices.Add(new ConfChange { Type = ConfChangeType.Remove, NodeId = voters[rng.Next(voters.Count)] });
        if (choices.Count == 0) return;
        var cc = choices[rng.Next(choices.Count)];
        var result = raft.ProposeConfChange(cc);
        Log($"conf change on leader {leader.Id}: {cc.Type} {cc.NodeId} -> {result}");
        if (result != ProposeResult.Accepted) return;
        confChanges++;
        if (cc.Type == ConfChangeType.AddLearner)
        {
            nextNodeId++;
            StartNode(new SimNode(cc.NodeId)); // joins empty; learns everything from the leader
        }
    }

    private SimNode? CurrentLeader()
    {
        SimNode? best = null;
        foreach (var n in nodes.Values)
        {
            if (n.Up && n.Raft is { Role: RaftRole.Leader } r && (best is null || r.Term > best.Raft!.Term)) best = n;
        }
        return best;
    }
}
