using System.Diagnostics;
using System.Globalization;
using DistSync.Client;

namespace DistSync.Bench;

/// <summary>
/// Three DistSync node processes founding one meta group on free loopback ports (used by kv and queues): a typed client
/// per node, kill/restart of one node, waiting for an agreed leader or for followers to catch up.
/// </summary>
internal sealed class NodeCluster : IDisposable
{
    private readonly string _nodeDll;
    private readonly string _root;
    private readonly string _work;
    private readonly IReadOnlyList<string> _sets;
    private readonly int[] _http;
    private readonly int[] _remote;
    private readonly BenchProcesses _processes;

    /// <param name="spare">nodes beyond the three founders that can be started later as joiners (<see cref="StartJoiner"/>)</param>
    /// <param name="access">plain (the default) or secure, with certificates for at least 3 + <paramref name="spare"/> nodes; not disposed here</param>
    public NodeCluster(string nodeDll, string root, string work, IReadOnlyList<string> sets, int spare = 0, NodeAccess? access = null)
    {
        _nodeDll = nodeDll;
        _root = root;
        _work = work;
        _sets = sets;
        _http = BenchSupport.FreePorts(3 + spare);
        _remote = BenchSupport.FreePorts(3 + spare);
        _processes = new BenchProcesses(work);
        Access = access ?? NodeAccess.Plain;
        Clients = _http.Select(p => Access.Client(p, TimeSpan.FromSeconds(10))).ToArray();
    }

    public DistSyncClient[] Clients { get; }

    /// <summary>How the nodes are reached (plain or secure); make every other client of them through it.</summary>
    public NodeAccess Access { get; }

    /// <summary>The nodes' HTTP ports, in node order.</summary>
    public IReadOnlyList<int> HttpPorts => _http;

    /// <summary>An HttpClient of node <paramref name="i"/> (0-based), for routes the typed client lacks.</summary>
    public HttpClient Http(int i, TimeSpan timeout) => Access.Http(_http[i], timeout);

    /// <summary>The operating-system process id of node <paramref name="i"/> (0-based), as last started.</summary>
    public int ProcessId(int i) => _processes.ProcessId($"n{i + 1}");

    public void StartAll()
    {
        for (var i = 0; i < 3; i++) BenchSupport.StartNode(_processes, _nodeDll, _root, _work, _http[..3], _remote[..3], i, [.. _sets, .. Access.NodeSets(i)]);
    }

    /// <summary>Starts spare node <paramref name="i"/> (3 = n4) with the founders as seeds and no initial members: it asks
    /// them to add it to the meta group (learner, then voter).</summary>
    public void StartJoiner(int i)
    {
        var name = $"n{i + 1}";
        var seeds = string.Join(",", _remote[..3].Select(p => $"127.0.0.1:{p}"));
        var args = new List<string>
        {
            _nodeDll, "--config", "hocon/dsync.conf",
            "--set", $"dsync.node.id={name}",
            "--set", $"dsync.node.data-dir={Path.Combine(_work, name)}",
            "--set", $"dsync.http.port={_http[i]}",
            "--set", $"dsync.remote.port={_remote[i]}",
            "--set", $"dsync.cluster.seeds={seeds}",
            "--set", "dsync.log.level=warning",
        };
        foreach (var s in _sets.Concat(Access.NodeSets(i))) args.AddRange(["--set", s]);
        _processes.Start(name, "dotnet", args, _root);
    }

    public void Kill(int i) => _processes.Kill($"n{i + 1}");

    public void Restart(int i) => _processes.Restart($"n{i + 1}");

    public async Task<int> WaitForLeaderAsync(int[] nodes, TimeSpan timeout)
    {
        var clients = nodes.Select(n => Clients[n]).ToArray();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await BenchSupport.AgreedLeaderAsync(clients) is { } l) return int.Parse(l[1..], CultureInfo.InvariantCulture) - 1;
            foreach (var n in nodes)
            {
                if (_processes.HasExited($"n{n + 1}")) throw new TimeoutException($"node n{n + 1} exited (see its log)");
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no leader agreed on by nodes {string.Join(",", nodes.Select(n => $"n{n + 1}"))} within {timeout.TotalSeconds:0} s");
    }

    /// <summary>Waits until every node has applied what the leader has committed (a restarted node caught up).</summary>
    public async Task WaitForCatchUpAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                var statuses = await Task.WhenAll(Clients.Select(c => c.GetStatusAsync()));
                var commit = statuses.Max(s => s.CommitIndex);
                if (statuses.All(s => s.LastApplied >= commit && s.Leader is not null)) return;
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"the nodes did not catch up within {timeout.TotalSeconds:0} s");
    }

    public void DumpLogs() => _processes.DumpLogs(60);

    /// <summary>
    /// After a failed failover trial: every node's /status as it answers now, the last 80 log lines without Akka's
    /// reconnect retries to the killed node and their stack traces, and the whole logs saved under
    /// <c>artifacts/bench/failover-&lt;UTC&gt;/</c>.
    /// </summary>
    public async Task DiagnoseAsync()
    {
        for (var i = 0; i < Clients.Length && i < 3; i++)
        {
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var s = await Clients[i].GetStatusAsync(deadline.Token);
                Console.Error.WriteLine($"--- n{i + 1} /status: role {s.Role}, term {s.Term}, leader {s.Leader ?? "none"}, commit {s.CommitIndex}, applied {s.LastApplied}, members " +
                                        string.Join(", ", s.Members.Select(m => $"{m.NodeId} {m.Status} {m.Raft}")));
            }
            catch (Exception e) when (e is NodeUnreachableException or DistSyncApiException or OperationCanceledException or HttpRequestException)
            {
                Console.Error.WriteLine($"--- n{i + 1} /status: {e.Message}");
            }
        }
        _processes.DumpLogs(80, skip: static l => l.Contains("AssociationError", StringComparison.Ordinal)
            || l.Contains("Tried to associate", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal));
        var saved = Path.Combine(_root, "artifacts", "bench", $"failover-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}");
        _processes.SaveLogs(saved);
        Console.Error.WriteLine($"the whole logs are in {saved}");
    }

    public void Dispose()
    {
        foreach (var c in Clients) c.Dispose();
        _processes.Dispose();
    }
}
