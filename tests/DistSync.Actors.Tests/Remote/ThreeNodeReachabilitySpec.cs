using System.Text;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.FailureDetection;
using DistSync.Actors.Remote.Faults;
using DistSync.TestKit;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>
/// Multi-node spec: three actor systems with remoting in one process over real loopback TCP, one shared
/// fault injector. Written as numbered steps; each step waits for its condition with a generous timeout.
/// </summary>
public sealed class ThreeNodeReachabilitySpec : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly FaultInjector _faults = new(seed: 11);
    private RemoteNode _first = null!;
    private RemoteNode _second = null!;
    private RemoteNode _third = null!;

    private RemoteNode[] Nodes => [_first, _second, _third];

    public async Task InitializeAsync()
    {
        _first = await RemoteNode.StartAsync("first", _faults);
        _second = await RemoteNode.StartAsync("second", _faults);
        _third = await RemoteNode.StartAsync("third", _faults);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Three_nodes_detect_an_isolated_node_and_see_it_again_after_heal()
    {
        // 1. start three nodes and let each monitor the other two
        var probes = new Dictionary<RemoteNode, TestProbe>();
        foreach (var node in Nodes)
        {
            var probe = new TestProbe(node.System);
            node.System.EventStream.Subscribe(probe.Ref, typeof(Unreachable));
            node.System.EventStream.Subscribe(probe.Ref, typeof(Reachable));
            probes[node] = probe;
            foreach (var other in Nodes.Where(n => n != node))
            {
                node.Remoting.MonitorPeer(other.Address);
            }
        }

        // 2. all three see each other up
        await AllSee(PeerReachability.Up, Nodes, Nodes, "every node sees every other up");

        // 3. a remote ask round-trips between every pair
        foreach (var node in Nodes)
        {
            node.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        }

        foreach (var from in Nodes)
        {
            foreach (var to in Nodes.Where(n => n != from))
            {
                var reply = await from.RefTo(to, "echo").Ask<StringValue>(new StringValue { Value = from.Address.System }, Generous);
                Assert.Equal("echo:" + from.Address.System, reply.Value);
            }
        }

        // 4. isolate the third node with the fault seam
        _faults.Isolate(_third.Address);

        // 5. the first and second node mark it unreachable (and publish Unreachable)
        await AllSee(PeerReachability.Unreachable, [_first, _second], [_third], "first and second see third unreachable");
        foreach (var observer in new[] { _first, _second })
        {
            var unreachable = probes[observer].FishForMessage<Unreachable>(u => u.Peer == _third.Address, Generous);
            Assert.True(unreachable.Phi >= RemoteNode.TestDetector.Threshold);
            Assert.True(observer.Remoting.Monitor.Phi(_third.Address) >= RemoteNode.TestDetector.Threshold);
        }

        // 6. the third node sees both others unreachable, while first and second still reach each other
        await AllSee(PeerReachability.Unreachable, [_third], [_first, _second], "third sees the others unreachable");
        await AllSee(PeerReachability.Up, [_first, _second], [_first, _second], "first and second still up for each other");

        // 7. heal: everyone is reachable again and Reachable is published
        _faults.Heal(_third.Address);
        await AllSee(PeerReachability.Up, Nodes, Nodes, "every node sees every other up after heal");
        foreach (var observer in new[] { _first, _second })
        {
            probes[observer].FishForMessage<Reachable>(r => r.Peer == _third.Address, Generous);
        }

        // 8. and asks flow to the healed node again
        var afterHeal = await _first.RefTo(_third, "echo").Ask<StringValue>(new StringValue { Value = "healed" }, Generous);
        Assert.Equal("echo:healed", afterHeal.Value);
    }

    [Fact]
    public async Task A_one_way_block_makes_only_the_starved_side_suspect_its_peer()
    {
        // 1. first and second monitor each other and are up
        _first.Remoting.MonitorPeer(_second.Address);
        _second.Remoting.MonitorPeer(_first.Address);
        await AllSee(PeerReachability.Up, [_first, _second], [_first, _second], "first and second up");

        // 2. block second -> first: first's heartbeats reach second, but second's answers never come back,
        //    and second's own heartbeats to first are lost too: both sides lose their heartbeat answers
        _faults.Block(_second.Address, _first.Address);
        await AllSee(PeerReachability.Unreachable, [_first, _second], [_first, _second], "both lose heartbeat answers");

        // 3. heal
        _faults.HealAll();
        await AllSee(PeerReachability.Up, [_first, _second], [_first, _second], "up again after heal");
    }

    [Fact]
    public async Task Malformed_frames_on_one_node_leave_the_three_node_cluster_up()
    {
        // 1. all three monitor each other and are up
        foreach (var node in Nodes)
        {
            foreach (var other in Nodes.Where(n => n != node))
            {
                node.Remoting.MonitorPeer(other.Address);
            }
        }

        await AllSee(PeerReachability.Up, Nodes, Nodes, "all up");

        // 2. hit the second node with garbage, a huge length, an unknown type id and a truncated frame
        await using (var garbage = await RawPeer.ConnectAsync(_second.Address))
        {
            await garbage.SendAsync(Encoding.ASCII.GetBytes("\u0001\u0002garbage garbage garbage"));
            Assert.True(await garbage.WasClosedByPeerAsync(Generous));
        }

        await using (var huge = await RawPeer.ConnectAsync(_second.Address))
        {
            await huge.HandshakeAsync(_second.Address);
            await huge.SendAsync([0x7F, 0xFF, 0xFF, 0xFF]);
            Assert.True(await huge.WasClosedByPeerAsync(Generous));
        }

        await using (var unknown = await RawPeer.ConnectAsync(_second.Address))
        {
            await unknown.HandshakeAsync(_second.Address);
            await unknown.SendAsync(RawPeer.Frame($"{_second.Address}/user/echo", 59_998, new StringValue { Value = "?" }));
            Assert.True(await unknown.WasClosedByPeerAsync(Generous));
        }

        await using (var truncated = await RawPeer.ConnectAsync(_second.Address))
        {
            await truncated.HandshakeAsync(_second.Address);
            var frame = RawPeer.Frame($"{_second.Address}/user/echo", TransportFixture.StringValueTypeId, new StringValue { Value = "cut" });
            await truncated.SendAsync(frame[..^3]);
            truncated.CloseSend();
        }

        // 3. every bad connection was counted
        await AwaitCondition.UntilAsync(
            () => _second.Remoting.Metrics.MalformedConnections == 2 && _second.Remoting.Metrics.UnknownTypeIdConnections == 1 && _second.Remoting.Metrics.TruncatedConnections == 1,
            "bad connections counted on second", Generous);

        // 4. the cluster never noticed: everyone still up, and an ask to the second node works
        await AllSee(PeerReachability.Up, Nodes, Nodes, "all still up");
        _second.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var reply = await _first.RefTo(_second, "echo").Ask<StringValue>(new StringValue { Value = "still" }, Generous);
        Assert.Equal("echo:still", reply.Value);
    }

    private static Task AllSee(PeerReachability expected, RemoteNode[] observers, RemoteNode[] subjects, string what) =>
        AwaitCondition.UntilAsync(
            () => observers.All(o => subjects.Where(s => s != o).All(s => o.ReachabilityOf(s) == expected)),
            what,
            Generous);
}
