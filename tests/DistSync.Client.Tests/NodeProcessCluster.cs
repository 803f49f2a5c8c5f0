using System.Globalization;
using DistSync.Node.Tests;
using Xunit.Abstractions;

namespace DistSync.Client.Tests;

/// <summary>
/// Tests only: three real node processes on loopback founding one meta group, each with its own data directory,
/// so a spec can kill one with SIGKILL (<see cref="KillHard"/>) as a crash would. Clients get every node's address.
/// </summary>
internal sealed class NodeProcessCluster : IDisposable
{
    public const int Size = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "dsync-client-kill-" + Guid.NewGuid().ToString("N"));
    private readonly int[] _http = TestPorts.Free(Size);
    private readonly int[] _remote = TestPorts.Free(Size);
    private readonly NodeProcess?[] _processes = new NodeProcess?[Size];
    private readonly ITestOutputHelper _log;

    private NodeProcessCluster(ITestOutputHelper log) => _log = log;

    public static async Task<NodeProcessCluster> StartAsync(ITestOutputHelper log)
    {
        var cluster = new NodeProcessCluster(log);
        try
        {
            var founders = string.Join(",", cluster._remote.Select((p, i) => $"n{i + 1}@127.0.0.1:{p}"));
            for (var i = 0; i < Size; i++)
            {
                cluster._processes[i] = NodeProcess.StartMember($"n{i + 1}", cluster._http[i], cluster._remote[i], cluster._remote.Where((_, j) => j != i),
                    Path.Combine(cluster._dataRoot, $"n{i + 1}"), founders, "dsync.http.request-timeout=3s");
            }
            await cluster.WaitForLeaderAsync();
            return cluster;
        }
        catch
        {
            cluster.DumpOutput();
            cluster.Dispose();
            throw;
        }
    }

    public string Address(int node) => $"127.0.0.1:{_http[node]}";

    /// <summary>Every live node's address, <paramref name="first"/> first (the one a client starts with).</summary>
    public string[] Endpoints(int first = 0)
    {
        var list = new List<string>();
        for (var i = 0; i < Size; i++)
        {
            var node = (first + i) % Size;
            list.Add(Address(node));
        }
        return [.. list];
    }

    /// <summary>A client over every node, starting at <paramref name="first"/>.</summary>
    public DistSyncClient Client(int first = 0) => new(Endpoints(first), TimeSpan.FromSeconds(5));

    /// <summary>Waits until every live node names the same meta leader, a live one; returns its index.</summary>
    public async Task<int> WaitForLeaderAsync()
    {
        var live = Enumerable.Range(0, Size).Where(i => _processes[i] is { HasExited: false }).ToArray();
        var clients = live.Select(i => new DistSyncClient(Address(i), TimeSpan.FromSeconds(3))).ToArray();
        try
        {
            var leaders = await Eventually.Until(
                async () =>
                {
                    var seen = new string?[clients.Length];
                    for (var i = 0; i < clients.Length; i++) seen[i] = (await clients[i].GetStatusAsync()).Leader;
                    return seen;
                },
                seen => seen[0] is not null && seen.All(l => l == seen[0]) && live.Contains(IndexOf(seen[0]!)),
                Patience, "a meta leader seen by every live node");
            var leader = IndexOf(leaders[0]!);
            _log.WriteLine($"meta leader: n{leader + 1}");
            return leader;
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>SIGKILL to node <paramref name="node"/>'s process: no shutdown runs, its sockets are reset.</summary>
    public void KillHard(int node)
    {
        _log.WriteLine($"kill -9 n{node + 1} (pid {_processes[node]!.Id})");
        _processes[node]!.KillHard();
    }

    /// <summary>Kills the meta leader with SIGKILL and waits for the survivors to elect another; returns (killed, new leader).</summary>
    public async Task<(int Killed, int NewLeader)> KillLeaderAsync()
    {
        var leader = await WaitForLeaderAsync();
        KillHard(leader);
        return (leader, await WaitForLeaderAsync());
    }

    public void DumpOutput()
    {
        for (var i = 0; i < Size; i++)
        {
            if (_processes[i] is not { } p) continue;
            _log.WriteLine($"--- n{i + 1} output ---");
            _log.WriteLine(p.Output);
        }
    }

    private static int IndexOf(string nodeId) => int.Parse(nodeId[1..], CultureInfo.InvariantCulture) - 1;

    public void Dispose()
    {
        foreach (var p in _processes) p?.Dispose();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // a killed process's files may linger a moment; the temp dir is the OS's to clean then
        }
    }
}
