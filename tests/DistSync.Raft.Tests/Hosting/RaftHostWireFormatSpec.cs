using DistSync.Raft.Journal;
using DistSync.Cluster;
using Akka.Actor;
using DistSync.Cluster.Serialization;
using DistSync.Persistence.Serialization;
using DistSync.Raft.Hosting;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>Pins the numbers the host writes on the wire and to disk: type ids and the node-id -> Raft-id mapping.</summary>
public sealed class RaftHostWireFormatSpec
{
    [Fact]
    public void Remoting_type_ids_are_pinned_in_the_raft_block()
    {
        var registry = new MessageTypeRegistry();
        RaftMessageIds.Register(registry);
        RaftMessageIds.Register(registry); // idempotent
        var pinned = registry.Registrations.Select(r => (r.Key, r.Value)).ToList();
        Assert.Equal(
        [
            (2000u, typeof(GroupMessage)),
            (2001u, typeof(ForwardProposal)),
            (2002u, typeof(ProposalOutcome)),
            (2003u, typeof(ForwardAdmin)),
            (2004u, typeof(JoinRequest)),
            (2005u, typeof(GroupMessageBatch)),
        ], pinned);
    }

    [Fact]
    public void Journal_type_ids_are_pinned_in_the_raft_block()
    {
        var registry = new PersistenceSerializerRegistry();
        RaftMessageIds.Register(registry);
        RaftMessageIds.Register(registry);
        Assert.Equal(100, registry.Serialize(new EntriesAppended()).TypeId);
        Assert.Equal(101, registry.Serialize(new HardStateChanged()).TypeId);
        Assert.Equal(102, registry.Serialize(new SnapshotInstalled()).TypeId);
        Assert.Equal(103, registry.Serialize(new RaftLogState()).TypeId);
        Assert.Equal(104, registry.Serialize(new SnapshotChunkReceived()).TypeId);
    }

    [Theory]
    [InlineData("n1", 0x08b37b07b558d4c0UL)]
    [InlineData("node-a", 0xe6971cc22078cb53UL)]
    public void Raft_ids_are_fnv1a_64_of_the_node_id(string nodeId, ulong expected)
    {
        Assert.Equal(expected, RaftIds.FromNodeId(nodeId));
        Assert.NotEqual(RaftIds.FromNodeId("n1"), RaftIds.FromNodeId("n2"));
    }

    [Fact]
    public void Outcome_codes_and_admin_kinds_keep_their_numbers()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5], Enum.GetValues<OutcomeCode>().Select(c => (int)c));
        Assert.Equal(1, (int)AdminKind.RemoveMember);
        Assert.Equal(2, (int)AdminKind.TransferLeader);
    }

    [Fact]
    public void Initial_members_parse_from_node_at_host_port_and_bad_entries_are_named()
    {
        var members = RaftMember.ParseList(["n1@127.0.0.1:4053", " n2@localhost:4054 "], "dsync");
        Assert.Equal(new RaftMember("n1", new Address("akka.tcp", "dsync", "127.0.0.1", 4053)), members[0]);
        Assert.Equal("akka.tcp://dsync@localhost:4054", members[1].RemoteAddress.ToString());
        Assert.Equal("akka.trttl.gremlin.tcp://dsync@h:1", RaftMember.Parse("n1@h:1", "dsync", "akka.trttl.gremlin.tcp").RemoteAddress.ToString());
        foreach (var bad in new[] { "n1", "@127.0.0.1:1", "n1@127.0.0.1", "n1@127.0.0.1:0", "n1@:4053", "n1@h:x" })
        {
            var error = Assert.Throws<FormatException>(() => RaftMember.Parse(bad, "dsync"));
            Assert.Contains(bad, error.Message);
        }
        Assert.Throws<FormatException>(() => RaftMember.ParseList(["n1@a:1", "n1@b:2"], "dsync"));
    }

    [Theory]
    [InlineData("dsync@127.0.0.1:4053")]
    [InlineData("dsync://dsync@127.0.0.1:4053")]
    [InlineData("akka.tcp://dsync@127.0.0.1:4053")]
    [InlineData("akka.trttl.gremlin.tcp://dsync@127.0.0.1:4053")]
    public void Stored_addresses_of_any_scheme_resolve_with_the_local_protocol(string stored)
    {
        // The log keeps system@host:port; entries written by the first versions carry dsync://, which no Akka
        // transport serves: the scheme is replaced by the local one on read.
        Assert.True(NodeAddress.TryParse(stored, "akka.tcp", out var address));
        Assert.Equal(new Address("akka.tcp", "dsync", "127.0.0.1", 4053), address);
        Assert.Equal("dsync@127.0.0.1:4053", NodeAddress.Format(address));
        Assert.False(NodeAddress.TryParse("dsync@127.0.0.1", "akka.tcp", out _));
        Assert.False(NodeAddress.TryParse("", "akka.tcp", out _));
    }
}
