using Akka.Actor;

namespace DistSync.Raft.Hosting;

// Local messages that start and stop groups on a node (never on the wire).

/// <summary>Stop a group's actor on this node; with <paramref name="PurgeLog"/> its journal events and snapshots are
/// deleted first (a replica that moved away). Answered with <see cref="GroupStopped"/> once the actor is gone.</summary>
internal sealed record StopGroup(int GroupId, bool PurgeLog) : INoSerializationVerificationNeeded;

/// <summary>The group's actor has stopped (and its log was purged when asked).</summary>
internal sealed record GroupStopped(int GroupId) : INoSerializationVerificationNeeded;

/// <summary>Delete every event and snapshot of the log actor's persistence id; answered with <see cref="LogPurged"/>.</summary>
internal sealed record PurgeLog : INoSerializationVerificationNeeded
{
    public static readonly PurgeLog Instance = new();
}

/// <summary>The log's events and snapshots are deleted (or deleting failed, with <paramref name="Error"/>).</summary>
internal sealed record LogPurged(string? Error) : INoSerializationVerificationNeeded;
