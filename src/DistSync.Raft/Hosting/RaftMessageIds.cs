using DistSync.Raft.Journal;
using DistSync.Cluster.Serialization;
using DistSync.Persistence.Serialization;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>
/// Type ids of the Raft host: remoting ids in block 2000-2999, journal ids in 100-199 (Raft's block of
/// <see cref="PersistenceTypeIds"/>). Written on the wire and to disk: never renumber, only add (pinned by a test).
/// </summary>
public static class RaftMessageIds
{
    public const uint GroupMessage = 2000;
    public const uint ForwardProposal = 2001;
    public const uint ProposalOutcome = 2002;
    public const uint ForwardAdmin = 2003;
    public const uint JoinRequest = 2004;
    public const uint GroupMessageBatch = 2005;

    public const int EntriesAppendedEvent = 100;
    public const int HardStateChangedEvent = 101;
    public const int SnapshotInstalledEvent = 102;
    public const int RaftLogStateSnapshot = 103;
    public const int SnapshotChunkReceivedEvent = 104;

    /// <summary>Registers the remoting messages (idempotent).</summary>
    public static void Register(MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(GroupMessage, Wire.GroupMessage.Parser);
        registry.Register(ForwardProposal, Wire.ForwardProposal.Parser);
        registry.Register(ProposalOutcome, Wire.ProposalOutcome.Parser);
        registry.Register(ForwardAdmin, Wire.ForwardAdmin.Parser);
        registry.Register(JoinRequest, Wire.JoinRequest.Parser);
        registry.Register(GroupMessageBatch, Wire.GroupMessageBatch.Parser);
    }

    /// <summary>Registers the journal events and the log snapshot type (skipping those already registered).</summary>
    public static void Register(PersistenceSerializerRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.IsRegistered(typeof(EntriesAppended))) registry.RegisterProtobuf<EntriesAppended>(EntriesAppendedEvent);
        if (!registry.IsRegistered(typeof(HardStateChanged))) registry.RegisterProtobuf<HardStateChanged>(HardStateChangedEvent);
        if (!registry.IsRegistered(typeof(SnapshotInstalled))) registry.RegisterProtobuf<SnapshotInstalled>(SnapshotInstalledEvent);
        if (!registry.IsRegistered(typeof(RaftLogState))) registry.RegisterProtobuf<RaftLogState>(RaftLogStateSnapshot);
        if (!registry.IsRegistered(typeof(SnapshotChunkReceived))) registry.RegisterProtobuf<SnapshotChunkReceived>(SnapshotChunkReceivedEvent);
    }
}
