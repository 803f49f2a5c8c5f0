using DistSync.Cluster.Hosting;

namespace DistSync.Cluster.Tests.Hosting;

/// <summary>
/// Every node writes only on the connections it opened (<c>akka.remote.use-passive-connections = off</c>).
/// <para>Why: the failover stall of issue 17. Reading Akka.Remote 1.5's EndpointManager against the logs: n3's endpoint
/// to n2 had outlived n2's kill (gated, with the old incarnation's UID). Restarted n2 connected to n3 just as that
/// endpoint reconnected to n2. n2 handed the reading of its own connection over to n3's new one; n3, seeing a new UID
/// on n2's inbound connection, stopped its endpoint (the <c>GotUid</c> that went to dead letters) and, passive
/// connections being on, wrote to n2 on n2's connection, which n2 no longer read. n3 → n2 stayed dead. Off, nobody
/// writes on a connection the other side opened, so that hand-off cannot strand a direction.</para>
/// </summary>
public sealed class PassiveConnectionsSpec
{
    [Fact]
    public void The_shipped_config_never_writes_on_a_connection_the_peer_opened()
    {
        var config = AkkaConfig.Build(TestNodes.Settings("n1", faults: false), TestNodes.Registry());
        Assert.False(config.GetBoolean("akka.remote.use-passive-connections", true));
    }
}
