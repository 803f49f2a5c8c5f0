using DistSync.Broadcast.Wire;

namespace DistSync.Broadcast.Tests;

/// <summary>
/// Drives a <see cref="BroadcastStateMachine"/> as the meta group's host would: increasing indexes (with gaps, as other
/// meta entries sit between), a term and a log clock the test moves, keeping the applied log for replay.
/// </summary>
internal sealed class BroadcastHarness(BroadcastOptions? options = null)
{
    public BroadcastOptions Options { get; } = options ?? BroadcastOptions.Default;

    public BroadcastStateMachine Machine { get; private set; } = new(options);

    /// <summary>Index of the last applied entry.</summary>
    public long Index { get; private set; }

    public long Term { get; set; } = 1;

    /// <summary>Log time stamped on the next entry.</summary>
    public long NowMs { get; set; } = 1_000_000;

    public List<(long Index, long Term, long TimeMs, byte[] Data)> Log { get; } = [];

    public (BroadcastResult Result, BroadcastMessage? Published) Apply(BroadcastCommand command)
    {
        Index += 1 + Index % 3; // gaps, as the meta group's other entries take indexes between
        var data = BroadcastCommands.Encode(command);
        Log.Add((Index, Term, NowMs, data));
        var applied = Machine.Apply(Index, Term, NowMs, BroadcastCommands.DecodeCommand(data));
        return (BroadcastCommands.DecodeResult(applied.Result.Span), applied.Published);
    }

    /// <summary>A publish that must be stored; returns the message.</summary>
    public BroadcastMessage Publish(string topic, string payload = "p", string clientId = "", long clientSeq = 0)
    {
        var (result, message) = Apply(BroadcastCommands.Publish(topic, payload, clientId, clientSeq));
        Assert.Equal(BroadcastResult.ResultOneofCase.Published, result.ResultCase);
        Assert.False(result.Published.Duplicate);
        Assert.NotNull(message);
        Assert.Equal((topic, message.Seq), (result.Published.Topic, result.Published.Seq));
        return message;
    }

    public BroadcastResult PublishResult(string topic, string payload = "p", string clientId = "", long clientSeq = 0) =>
        Apply(BroadcastCommands.Publish(topic, payload, clientId, clientSeq)).Result;

    /// <summary>An Expire entry; returns the messages it trimmed.</summary>
    public long Expire()
    {
        var (result, message) = Apply(BroadcastCommands.Expire());
        Assert.Equal(BroadcastResult.ResultOneofCase.Expired, result.ResultCase);
        Assert.Null(message);
        return result.Expired.Trimmed;
    }

    public IReadOnlyList<BroadcastMessage> Read(string topic, long from = 1, int max = 1000)
    {
        var read = Assert.IsType<BroadcastMessages>(Machine.Read(topic, from, max));
        return read.Messages;
    }

    public IReadOnlyList<long> Seqs(string topic)
    {
        var seqs = new List<long>();
        foreach (var m in Read(topic, Math.Max(1, Machine.Topic(topic)?.FirstSeq ?? 1)))
        {
            seqs.Add(m.Seq);
        }

        return seqs;
    }

    /// <summary>Replaces the machine by a fresh one restored from its snapshot, after checking the round trip is exact.</summary>
    public void RestoreFromSnapshot()
    {
        var snapshot = Machine.Snapshot();
        var restored = new BroadcastStateMachine(Options);
        restored.Restore(snapshot);
        Assert.Equal(snapshot, restored.Snapshot());
        Machine = restored;
    }

    /// <summary>A fresh replica that applied the same log.</summary>
    public BroadcastStateMachine Replay()
    {
        var replica = new BroadcastStateMachine(Options);
        foreach (var (index, term, time, data) in Log)
        {
            replica.Apply(index, term, time, BroadcastCommands.DecodeCommand(data));
        }

        return replica;
    }
}
