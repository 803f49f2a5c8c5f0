using System.Buffers.Binary;
using System.Text;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// Test state machine: appends each command (UTF-8 text) to a list and answers with the list's new length
/// (8 bytes little endian). A command "expire" is the expiry command; <see cref="DeadlineMs"/> sets the deadline.
/// </summary>
internal sealed class AppendLogStateMachine : IRaftStateMachine
{
    private readonly List<string> items = new();

    public IReadOnlyList<string> Items => items;

    public long LastAppliedIndex { get; private set; }

    public long LastTimestampMs { get; private set; }

    public int ExpireCount { get; private set; }

    /// <summary>The applied index this incarnation was restored to (-1 when it never restored a snapshot).</summary>
    public long RestoredAt { get; private set; } = -1;

    /// <summary>The index of the first entry this incarnation applied (0 before any).</summary>
    public long FirstAppliedHere { get; private set; }

    /// <summary>Settable by the test thread before the deadline is due (read on the actor thread).</summary>
    public long? DeadlineMs { get; set; }

    public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
    {
        if (entry.Index <= LastAppliedIndex) throw new InvalidOperationException($"entry {entry.Index} applied after {LastAppliedIndex}");
        if (entry.TimestampMs < LastTimestampMs) throw new InvalidOperationException($"time went backwards at {entry.Index}");
        LastAppliedIndex = entry.Index;
        LastTimestampMs = entry.TimestampMs;
        if (FirstAppliedHere == 0) FirstAppliedHere = entry.Index;
        var text = Encoding.UTF8.GetString(entry.Data.Span);
        if (text == "expire")
        {
            ExpireCount++;
            DeadlineMs = null;
            return Array.Empty<byte>();
        }
        if (text == "fail") throw new InvalidOperationException("asked to fail");
        items.Add(text);
        var result = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(result, items.Count);
        return result;
    }

    /// <summary>Applied index and log time travel with the items, so a restored replica refuses an entry it already holds
    /// (as the real state machines do): a host that re-applies after a restart fails loudly here.</summary>
    public byte[] Snapshot() => Encoding.UTF8.GetBytes($"{LastAppliedIndex}\n{LastTimestampMs}\n{items.Count}\n" + string.Join('\n', items));

    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        items.Clear();
        var parts = Encoding.UTF8.GetString(snapshot).Split('\n', 4);
        LastAppliedIndex = long.Parse(parts[0]);
        LastTimestampMs = long.Parse(parts[1]);
        if (int.Parse(parts[2]) > 0) items.AddRange(parts[3].Split('\n'));
        RestoredAt = LastAppliedIndex;
    }

    public long? NextDeadlineMs => DeadlineMs;

    public ReadOnlyMemory<byte> ExpireCommand => "expire"u8.ToArray();

    public static long Count(ReadOnlyMemory<byte> result) => BinaryPrimitives.ReadInt64LittleEndian(result.Span);
}
