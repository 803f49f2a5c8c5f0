using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Coordination;
using Xunit.Abstractions;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>
/// Two actor systems, each with a lease on the same name, over a three-node DistSync cluster: only one holds it;
/// when the holder's only DistSync node dies its session expires and the other takes over, never both at once.
/// </summary>
public sealed class TwoSystemFailoverSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private const string LeaseName = "singleton-lease";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private LocalNodes _nodes = null!;
    private readonly List<ActorSystem> _systems = [];

    private sealed record Sample(DateTime At, bool A, bool B);

    public async Task InitializeAsync()
    {
        _nodes = await LocalNodes.StartAsync(3);
        await _nodes.WaitForLeaderAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate().WaitAsync(Generous);
        await _nodes.DisposeAsync();
    }

    private DistSyncLease LeaseIn(string system, IEnumerable<string> endpoints, string owner)
    {
        var actorSystem = ActorSystem.Create(system, LeaseHocon.For(endpoints));
        _systems.Add(actorSystem);
        return Assert.IsType<DistSyncLease>(LeaseProvider.Get(actorSystem).GetLease(LeaseName, DistSyncLeaseConfig.Path, owner));
    }

    [Fact]
    public async Task The_other_system_takes_the_lease_after_the_holders_node_dies_and_never_both_hold_it()
    {
        // 1. Three nodes; system A talks only to a follower (so the cluster keeps its leader when it dies), B to the others.
        var leader = await _nodes.WaitForLeaderAsync();
        var aNode = (leader + 1) % 3;
        var a = LeaseIn("system-a", [_nodes.Address(aNode)], "owner-a");
        var b = LeaseIn("system-b", Enumerable.Range(0, 3).Where(i => i != aNode).Select(_nodes.Address), "owner-b");

        // 2. A acquires; B is refused while A holds it.
        var aLost = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await a.Acquire(e => aLost.TrySetResult(e)).WaitAsync(Generous));
        var aToken = a.FencingToken!.Value;
        Assert.False(await b.Acquire().WaitAsync(Generous));

        // 3. Sample both CheckLease answers throughout. B first: once B is certain, A's session had expired before,
        //    so a later read of A must be false; the other order could see A's last instant and B's first.
        var samples = new ConcurrentQueue<Sample>();
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                var bHolds = b.CheckLease();
                var aHolds = a.CheckLease();
                samples.Enqueue(new Sample(DateTime.UtcNow, aHolds, bHolds));
                await Task.Delay(20);
            }
        });

        // 4. Kill A's node: A's keepalives fail, its session expires after the TTL.
        await Task.Delay(TimeSpan.FromSeconds(2));
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} stopping n{aNode + 1} (leader n{leader + 1}); A holds token {aToken}");
        await _nodes.Nodes[aNode].StopAsync().WaitAsync(Generous);

        // 5. B retries, as Cluster Singleton would, until it gets the lease.
        var deadline = DateTime.UtcNow + Generous;
        var bGot = false;
        while (!bGot && DateTime.UtcNow < deadline)
        {
            try
            {
                bGot = await b.Acquire().WaitAsync(Generous);
            }
            catch (LeaseException e)
            {
                output.WriteLine($"B's acquire failed, retrying: {e.Message}");
            }
            if (!bGot) await Task.Delay(250);
        }
        Assert.True(bGot, "B did not get the lease within 60 s of A's node stopping");
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} B holds token {b.FencingToken}");

        // 6. A was told, and B's grant is the newer one.
        Assert.IsAssignableFrom<LeaseException>(await aLost.Task.WaitAsync(Generous));
        Assert.False(a.CheckLease());
        Assert.True(b.FencingToken > aToken);

        await Task.Delay(TimeSpan.FromSeconds(1));
        await stopSampling.CancelAsync();
        await sampler;

        // 7. The timeline: A alone, then nobody, then B alone; never both.
        var timeline = samples.ToArray();
        var both = timeline.Where(s => s.A && s.B).ToArray();
        Assert.True(both.Length == 0, $"both held the lease at {string.Join(", ", both.Select(s => s.At.ToString("HH:mm:ss.fff")))}");
        Assert.Contains(timeline, s => s.A);
        Assert.Contains(timeline, s => s.B);
        var lastA = timeline.Last(s => s.A).At;
        var firstB = timeline.First(s => s.B).At;
        output.WriteLine($"A last certain {lastA:HH:mm:ss.fff}, B first certain {firstB:HH:mm:ss.fff}");
        Assert.True(lastA < firstB);
        Assert.True(await b.Release().WaitAsync(Generous));
    }
}
