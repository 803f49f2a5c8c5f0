using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>N hosted Raft nodes in one process over loopback TCP, sharing one <see cref="HostedFaults"/>.</summary>
internal sealed class HostedCluster : IAsyncDisposable
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly string root;

    private HostedCluster(List<HostedNode> nodes, HostedFaults faults, RaftHostSettings settings, string root, IReadOnlyList<RaftMember> founders)
    {
        Nodes = nodes;
        Faults = faults;
        Settings = settings;
        this.root = root;
        Founders = founders;
    }

    public List<HostedNode> Nodes { get; }
    public HostedFaults Faults { get; }
    public RaftHostSettings Settings { get; }
    public IReadOnlyList<RaftMember> Founders { get; }
    public IEnumerable<HostedNode> Live => Nodes.Where(n => !n.IsStopped);

    public HostedNode this[string nodeId] => Nodes.Single(n => n.NodeId == nodeId);

    /// <summary>Starts <paramref name="count"/> founding nodes n1..nN; with <paramref name="sqlite"/> each journals to its own temp directory,
    /// with <paramref name="journals"/> node i journals to <c>journals[i - 1]</c>.</summary>
    public static async Task<HostedCluster> StartAsync(int count, RaftHostSettings settings, bool sqlite = false, IReadOnlyList<DistSync.Persistence.Journal.IJournal>? journals = null)
    {
        var nodes = new List<HostedNode>();
        var faults = new HostedFaults(() => nodes);
        var root = Path.Combine(Path.GetTempPath(), "dsync-raft-host-" + Guid.NewGuid().ToString("N"));
        for (int i = 1; i <= count; i++)
        {
            var id = "n" + i;
            nodes.Add(await HostedNode.StartAsync(id, faults, sqlite ? Path.Combine(root, id) : null, journal: journals?[i - 1]));
        }
        var founders = nodes.Select(n => n.Member).ToList();
        foreach (var n in nodes) await n.StartRaftAsync(founders, settings);
        return new HostedCluster(nodes, faults, settings, root, founders);
    }

    /// <summary>Starts a node that is not a founder and asks <paramref name="seed"/> to add it.</summary>
    public async Task<HostedNode> JoinAsync(string nodeId, HostedNode seed)
    {
        var node = await HostedNode.StartAsync(nodeId, Faults, Nodes[0].DataDir is null ? null : Path.Combine(root, nodeId));
        await node.StartRaftAsync([], Settings, join: true, seeds: [seed.Address]);
        Nodes.Add(node);
        return node;
    }

    /// <summary>Stops <paramref name="node"/>'s actor system and starts it again on the same port and data directory.</summary>
    public async Task<HostedNode> RestartAsync(HostedNode node)
    {
        int port = node.Address.Port!.Value;
        await node.StopAsync();
        var again = await HostedNode.StartAsync(node.NodeId, Faults, node.DataDir, port);
        await again.StartRaftAsync(Founders, Settings);
        Nodes[Nodes.IndexOf(node)] = again;
        return again;
    }

    /// <summary>Waits until one live node leads and every other live node of <paramref name="among"/> follows it in the same term.</summary>
    public async Task<HostedNode> AwaitLeaderAsync(IEnumerable<HostedNode>? among = null, TimeSpan? timeout = null)
    {
        var group = (among ?? Live).ToList();
        HostedNode? leader = null;
        await Eventually.HoldsAsync(() =>
        {
            var leaders = group.Where(n => n.Status.Role == "leader").ToList();
            if (leaders.Count != 1) return false;
            leader = leaders[0];
            var s = leader.Status;
            return group.All(n => n.Status.Leader == leader.NodeId && n.Status.Term == s.Term);
        }, timeout ?? Generous, "a single leader followed by all of " + string.Join(",", group.Select(n => n.NodeId)));
        return leader!;
    }

    /// <summary>
    /// Proposes <paramref name="text"/> (a unique item) through the current leader until it is applied once, for specs
    /// whose subject is not elections: under CI load the fast settings' 300 ms election timeout can depose a leader
    /// mid-proposal ("outcome unknown"). The outcome is then read linearizably from the next leader: its ReadIndex
    /// commits an entry of its own term first, so an entry absent then can never commit later, and a re-proposal
    /// cannot make a duplicate.
    /// </summary>
    public async Task ProposeThroughElectionsAsync(string text, CancellationToken ct)
    {
        while (true)
        {
            var leader = await AwaitLeaderAsync();
            try
            {
                await leader.ProposeAsync(text, ct);
                return;
            }
            catch (DistSync.Raft.Hosting.RaftUnavailableException)
            {
            }

            while (true)
            {
                try
                {
                    if ((await (await AwaitLeaderAsync()).LinearizableItemsAsync(ct)).Contains(text)) return;
                    break;
                }
                catch (DistSync.Raft.Hosting.RaftUnavailableException)
                {
                }
            }
        }
    }

    /// <summary>Waits until every node of <paramref name="nodes"/> has applied exactly <paramref name="expected"/> (in order).</summary>
    public static async Task AwaitAppliedAsync(IEnumerable<HostedNode> nodes, IReadOnlyList<string> expected, TimeSpan? timeout = null)
    {
        var list = nodes.ToList();
        try
        {
            await AwaitAllAppliedAsync(list, expected, timeout);
        }
        catch (TimeoutException e)
        {
            var states = new List<string>();
            foreach (var n in list)
            {
                var s = n.Status;
                var items = await n.LocalItemsAsync(CancellationToken.None);
                states.Add($"{n.NodeId}: {s.Role} term {s.Term} leader {s.Leader} commit {s.CommitIndex} applied {s.LastApplied} last {s.LastIndex} items {items.Length}");
            }
            throw new TimeoutException(e.Message + "; " + string.Join("; ", states), e);
        }
    }

    private static Task AwaitAllAppliedAsync(List<HostedNode> list, IReadOnlyList<string> expected, TimeSpan? timeout)
    {
        return Eventually.HoldsAsync(async () =>
        {
            foreach (var n in list)
            {
                var items = await n.LocalItemsAsync(CancellationToken.None);
                if (!items.SequenceEqual(expected)) return false;
            }
            return true;
        }, timeout ?? Generous, $"{string.Join(",", list.Select(n => n.NodeId))} applied the {expected.Count} expected items");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Nodes) await n.StopAsync();
        try
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // a store still closing: the temp directory is left behind
        }
    }
}
