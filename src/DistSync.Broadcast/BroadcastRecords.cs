namespace DistSync.Broadcast;

/// <summary>One committed message of a topic.</summary>
/// <param name="Seq">The topic's sequence number: 1, 2, ... without gaps.</param>
/// <param name="Term">The Raft term of the entry that committed it.</param>
/// <param name="TimestampMs">The entry's log time: the leader's stamp, raised to the latest log time applied before
/// it (a new leader whose clock is behind does not move time back), so it never decreases along a topic.</param>
/// <param name="ClientId">"" for none.</param>
/// <param name="ClientSeq">0 for none.</param>
public sealed record BroadcastMessage(string Topic, long Seq, long Term, long TimestampMs, string Payload, string ClientId, long ClientSeq);

/// <param name="FirstSeq">The oldest retained seq; <c>LastSeq + 1</c> when none is retained.</param>
/// <param name="LastSeq">The newest seq assigned (0 before the first publish).</param>
/// <param name="Published">Messages ever published to the topic (seqs are gap-free, so it equals <paramref name="LastSeq"/>).</param>
public sealed record TopicInfo(string Topic, long FirstSeq, long LastSeq, long Published);

/// <summary>What <see cref="BroadcastStateMachine.Read"/> answers.</summary>
public abstract record BroadcastReadResult;

/// <summary>The retained messages from the asked seq on, in order; <paramref name="FirstSeq"/> and <paramref name="LastSeq"/> are the topic's range.</summary>
public sealed record BroadcastMessages(IReadOnlyList<BroadcastMessage> Messages, long FirstSeq, long LastSeq) : BroadcastReadResult;

/// <summary>The asked seq was trimmed (HTTP 410); <paramref name="FirstSeq"/> is the oldest still retained.</summary>
public sealed record BroadcastGone(long FirstSeq) : BroadcastReadResult;

/// <summary>What one applied entry gave.</summary>
/// <param name="Result">The encoded <see cref="Wire.BroadcastResult"/> for the proposer.</param>
/// <param name="Published">The message this entry stored, for the host to deliver to subscribers; null for a duplicate, an invalid command or an expire.</param>
public sealed record BroadcastApplied(ReadOnlyMemory<byte> Result, BroadcastMessage? Published);
