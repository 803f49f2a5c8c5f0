using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// In-memory <see cref="IRaftStorage"/>. FOR TESTS, THE SIMULATOR AND BENCHMARKS ONLY: nothing survives the
/// process. A simulated crash keeps this object (it models the disk) and discards the <see cref="RaftNode"/>.
/// </summary>
public sealed class MemoryRaftStorage : InMemoryRaftLog
{
    /// <summary>
    /// A fresh node's storage. Founding members all get the same <paramref name="voters"/>, written (as etcd's
    /// bootstrap does) as committed add-voter entries 1..n of term 1, so that a node added later learns the whole
    /// configuration from the log. A node that will be added later starts with none.
    /// </summary>
    public MemoryRaftStorage(params ulong[] voters)
    {
        if (voters.Length == 0) return;
        for (int i = 0; i < voters.Length; i++)
        {
            var cc = new ConfChange { Type = ConfChangeType.AddVoter, NodeId = voters[i] };
            entries.Add(new Entry { Index = i + 1, Term = 1, Type = EntryType.ConfChange, Data = cc.ToByteString() });
        }
        HardState = new HardState { Term = 1, Commit = voters.Length };
    }

    /// <summary>Number of entries currently held (excluding the dummy), for compaction tests.</summary>
    public int Count => entries.Count - 1;
}
