using Google.Protobuf;

namespace DistSync.Raft;

/// <summary>
/// A confirmed linearizable read: once the local state machine has applied <see cref="Index"/>,
/// a read issued with <see cref="Context"/> may be answered from local state.
/// </summary>
public readonly record struct ReadState(long Index, ByteString Context);
