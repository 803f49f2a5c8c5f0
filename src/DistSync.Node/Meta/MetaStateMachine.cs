using DistSync.KeyValue;
using DistSync.Node.Meta.Wire;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Meta;

/// <summary>
/// The state machine of the meta Raft group (group 0): a tagged envelope (<see cref="MetaCommand"/>) dispatched
/// to the services it replicates. Today that is the key-value store; the lock service joins at the marked places
/// (its command in field 2 of the envelope, its snapshot in field 3, its deadline in <see cref="NextDeadlineMs"/>).
/// Deterministic and single-threaded like every <see cref="IRaftStateMachine"/>.
/// </summary>
public sealed class MetaStateMachine : IRaftStateMachine
{
    private static readonly byte[] ExpireBytes = new MetaCommand { Expire = new MetaExpire() }.ToByteArray();

    public MetaStateMachine(KvLimits? kvLimits = null, long kvSessionTimeoutMs = KvStateMachine.DefaultSessionTimeoutMs)
    {
        Kv = new KvStateMachine(kvLimits, kvSessionTimeoutMs);
    }

    /// <summary>The replicated key-value store (read it only inside <see cref="IRaftGroup.QueryAsync{T}"/>).</summary>
    public KvStateMachine Kv { get; private set; }

    // Locks: public LockServiceStateMachine Locks { get; } — wired by the lock-service issue.

    /// <summary>The index of the last applied entry of any service (0 before the first).</summary>
    public long LastAppliedIndex { get; private set; }

    /// <summary>No service of the meta group has deadlines yet (locks will: sessions and waits).</summary>
    public long? NextDeadlineMs => null;

    public ReadOnlyMemory<byte> ExpireCommand => ExpireBytes;

    /// <summary>Wraps a key-value command for proposal to the meta group.</summary>
    public static byte[] KvCommand(KeyValue.Wire.KvCommand command) =>
        new MetaCommand { Kv = command.ToByteString() }.ToByteArray();

    public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
    {
        LastAppliedIndex = Math.Max(LastAppliedIndex, entry.Index);
        MetaCommand command;
        try
        {
            command = MetaCommand.Parser.ParseFrom(entry.Data.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            // Nothing to apply, the same on every replica; the proposer gets an empty result.
            return ReadOnlyMemory<byte>.Empty;
        }

        switch (command.CommandCase)
        {
            case MetaCommand.CommandOneofCase.Kv:
                return Kv.Apply(entry with { Data = command.Kv.Memory });
            case MetaCommand.CommandOneofCase.Expire:
                // Nothing expires yet; the lock service will end due sessions and waits here.
                return ReadOnlyMemory<byte>.Empty;
            default:
                return ReadOnlyMemory<byte>.Empty;
        }
    }

    public byte[] Snapshot() =>
        new MetaSnapshot { LastAppliedIndex = LastAppliedIndex, Kv = ByteString.CopyFrom(Kv.Snapshot()) }.ToByteArray();

    /// <exception cref="InvalidDataException">Not a meta snapshot, or a service's part is inconsistent; the state is then unchanged.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        MetaSnapshot parsed;
        try
        {
            parsed = MetaSnapshot.Parser.ParseFrom(snapshot);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the meta group snapshot is not valid Protobuf: " + e.Message, e);
        }
        var kv = new KvStateMachine(Kv.Limits, Kv.SessionTimeoutMs);
        kv.Restore(parsed.Kv.Span);
        Kv = kv;
        LastAppliedIndex = parsed.LastAppliedIndex;
    }
}
