namespace DistSync.Raft.Simulation;

// Faults and operator actions: partitions, crashes at rest, restarts, membership changes (also right after every
// failover, when a new leader first may change the configuration) and leader transfers.
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
            if (CurrentLeader() is { } leader) ProposeMembershipChange(leader);
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

    /// <summary>
    /// A new leader is seen: an operator tries a membership change on it right away and keeps trying for a while, the
    /// moment a core that wrongly keeps a change "pending" across leader changes would refuse it.
    /// </summary>
    private void OnNewLeader(SimNode leader, long term)
    {
        if (!options.Faults) return;
        Schedule(rng.Next(500, 10_000), new SimEvent(EventKind.ConfProbe, leader.Id, leader.Incarnation, null, 0, 20, 0, term));
    }

    private void ConfProbe(SimEvent ev)
    {
        if (!nodes.TryGetValue(ev.Node, out var n) || !n.Up || n.Incarnation != ev.Incarnation) return;
        if (n.Raft is not { Role: RaftRole.Leader } raft || raft.Term != ev.Value) return;
        var result = ProposeMembershipChange(n);
        if (result == ProposeResult.ConfChangePending && ev.OpId > 1)
            Schedule(5_000 + rng.Next(10_000), ev with { OpId = ev.OpId - 1 });
    }

    private ProposeResult? ProposeMembershipChange(SimNode leader)
    {
        var raft = leader.Raft!;
        var voters = new List<ulong>(raft.Voters);
        voters.Sort();
        var learners = new List<ulong>(raft.Learners);
        learners.Sort();
        var choices = new List<ConfChange>();
        if (learners.Count > 0 && voters.Count < options.MaxVoters)
            choices.Add(new ConfChange { Type = ConfChangeType.AddVoter, NodeId = learners[0] });
        if (learners.Count == 0 && voters.Count < options.MaxVoters)
            choices.Add(new ConfChange { Type = ConfChangeType.AddLearner, NodeId = nextNodeId });
        if (learners.Count > 0 && rng.Next(3) == 0)
            choices.Add(new ConfChange { Type = ConfChangeType.Remove, NodeId = learners[rng.Next(learners.Count)] });
        if (voters.Count > 3 || (voters.Count == 3 && options.MaxVoters > 3 && rng.Next(3) == 0))
            choices.Add(new ConfChange { Type = ConfChangeType.Remove, NodeId = voters[rng.Next(voters.Count)] });
        if (choices.Count == 0) return null;
        var cc = choices[rng.Next(choices.Count)];
        var result = raft.ProposeConfChange(cc);
        bool afterLeaderChange = raft.Term > safety.FirstLeaderTerm;
        Log($"conf change on leader {leader.Id} (term {raft.Term}{(afterLeaderChange ? ", after a leader change" : "")}): {cc.Type} {cc.NodeId} -> {result}");
        if (result == ProposeResult.ConfChangePending) confChangesRefusedPending++;
        if (result != ProposeResult.Accepted) return result;
        confChanges++;
        if (afterLeaderChange) confChangesAfterLeaderChange++;
        AbandonLostJoins(raft);
        if (cc.Type == ConfChangeType.AddLearner)
        {
            nextNodeId++;
            StartNode(new SimNode(cc.NodeId) { Joining = true }); // joins empty; learns everything from the leader
        }
        return result;
    }

    /// <summary>
    /// A change was accepted, so the leader has applied every change in its log: a node still waiting to join that is
    /// not in its configuration lost its add-learner entry (never committed, now never will be). Stop it, as an
    /// operator would, so such nodes do not pile up.
    /// </summary>
    private void AbandonLostJoins(RaftNode leader)
    {
        foreach (var n in nodes.Values)
        {
            if (!n.Joining || n.Removed || leader.Voters.Contains(n.Id) || leader.Learners.Contains(n.Id)) continue;
            n.Joining = false;
            n.Removed = true;
            Log($"node {n.Id} never joined (its add-learner entry was lost); stopping it");
            if (n.Up) Shutdown(n);
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
