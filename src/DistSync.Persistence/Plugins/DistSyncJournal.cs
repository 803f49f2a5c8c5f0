using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using DistSync.Persistence.Journal;
using AkkaAtomicWrite = Akka.Persistence.AtomicWrite;
using AkkaConfig = Akka.Configuration.Config;
using EngineRepr = DistSync.Persistence.Journal.PersistentRepr;
using EngineWrite = DistSync.Persistence.Journal.AtomicWrite;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Akka.Persistence journal over a DistSync engine (<see cref="Sqlite.SqliteJournal"/>, <see cref="Redis.RedisJournal"/>,
/// <see cref="InMem.InMemJournal"/>), keeping the node-wide group commit: Akka calls <see cref="WriteMessagesAsync"/>
/// once per persistent actor's batch without waiting for the others, and everything that queues while one engine
/// batch commits goes into the next one (<see cref="GroupCommitJournalWriter"/>: one SQLite transaction + one fsync,
/// or one Redis MULTI/EXEC, per batch).
/// <para>
/// Contract (AsyncWriteJournal): a payload that cannot be serialized is a rejection (not stored, the actor goes on);
/// a store failure faults the task (the actor stops). <see cref="ReadHighestSequenceNrAsync"/> waits for the writes
/// of that persistence id still in flight, so a restarted actor never hands out a sequence number again. Deleting
/// keeps the highest sequence number. Events are stored as (type id, bytes), see <see cref="PayloadCodec"/>; the
/// writer uuid, timestamp and sender are not stored (replay-filter is off: one writer per persistence id per node).
/// </para>
/// </summary>
public sealed class DistSyncJournal : AsyncWriteJournal
{
    private readonly IJournal _engine;
    private readonly bool _ownsEngine;
    private readonly GroupCommitJournalWriter _writer;
    private readonly PayloadCodec _codec;
    private readonly JournalPluginMetrics _metrics;
    // The last commit each persistence id is waiting for; removed when it completes (if nothing newer replaced it).
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    public DistSyncJournal(AkkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var system = Context.System;
        _metrics = JournalPluginMetrics.For(system, Self.Path.Name);
        var (engine, owned) = PluginEngines.Journal(system, config);
        _engine = new MeasuredJournal(engine, _metrics);
        _ownsEngine = owned;
        _writer = new GroupCommitJournalWriter(_engine, config.GetInt("max-batch-size", 4096),
            Serilog.Log.Logger.ForContext<DistSyncJournal>());
        _metrics.AttachQueue(() => _writer.PendingRequests);
        _codec = new PayloadCodec(EventRegistrySetup.RegistryOf(system), system.Serialization);
    }

    /// <summary>The engine behind this plugin (tests and diagnostics).</summary>
    internal IJournal Engine => ((MeasuredJournal)_engine).Engine;

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AkkaAtomicWrite> messages, CancellationToken cancellationToken)
    {
        // Runs on the journal actor's turn up to the hand-off, so the in-flight entries exist before any later
        // ReplayMessages of the same actor is handled.
        var atomicWrites = messages as IReadOnlyList<AkkaAtomicWrite> ?? messages.ToList();
        Exception?[]? rejections = null;
        var writes = new List<EngineWrite>(atomicWrites.Count);
        for (var i = 0; i < atomicWrites.Count; i++)
        {
            try
            {
                writes.Add(ToEngine(atomicWrites[i]));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (rejections ??= new Exception?[atomicWrites.Count])[i] = e;
                _metrics.CountRejection();
            }
        }
        if (writes.Count == 0) return Task.FromResult<IImmutableList<Exception?>>(ImmutableList.Create(rejections!));
        // All writes of one call share a transaction (they are one actor's consecutive Persist calls).
        var commit = _writer.WriteAsync(writes);
        foreach (var write in writes)
        {
            var pid = write.PersistenceId;
            _inFlight[pid] = commit;
            _ = commit.ContinueWith(t => _inFlight.TryRemove(new KeyValuePair<string, Task>(pid, t)),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return Completed(commit, rejections);
    }

    private static async Task<IImmutableList<Exception?>> Completed(Task commit, Exception?[]? rejections)
    {
        await commit.ConfigureAwait(false); // a store failure faults the call: WriteMessageFailure, the actor stops
        return rejections is null ? null! : ImmutableList.Create(rejections);
    }

    private EngineWrite ToEngine(AkkaAtomicWrite write)
    {
        var payload = (IImmutableList<IPersistentRepresentation>)write.Payload;
        var events = new EngineRepr[payload.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var p = payload[i];
            // An event adapter's manifest would be needed on replay, and the engines have nowhere to keep it.
            if (!string.IsNullOrEmpty(p.Manifest))
                throw new NotSupportedException($"{p.PersistenceId}#{p.SequenceNr}: event adapter manifests ('{p.Manifest}') are not stored by the dsync journal");
            var (typeId, bytes) = _codec.Encode(p.Payload);
            events[i] = new EngineRepr(p.PersistenceId, p.SequenceNr, typeId, bytes);
        }
        return new EngineWrite(events);
    }

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        // A row that does not decode faults the replay (ReplayMessagesFailure): recovery must not skip an event.
        return _engine.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, r =>
            recoveryCallback(new Persistent(_codec.Decode(r.TypeId, r.Payload), r.SequenceNr, r.PersistenceId, Persistent.Undefined,
                isDeleted: false, sender: ActorRefs.NoSender, writerGuid: Persistent.Undefined)));
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await AwaitInFlight(persistenceId).ConfigureAwait(false);
        return await _engine.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await AwaitInFlight(persistenceId).ConfigureAwait(false);
        await _engine.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken).ConfigureAwait(false);
    }

    private async Task AwaitInFlight(string persistenceId)
    {
        if (!_inFlight.TryGetValue(persistenceId, out var pending)) return;
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception) when (pending.IsFaulted || pending.IsCanceled)
        {
            // Its outcome went to the writer already; the reader only needed it settled.
        }
    }

    protected override void PostStop()
    {
        // Finish what is queued (its writers get their answers), then close the engine so a restart can reopen the
        // file. Bounded: a hung store must not hang the actor system's shutdown (the writes then count as failed).
        if (!_writer.DisposeAsync().AsTask().Wait(ShutdownTimeout))
            Context.GetLogger().Warning("Journal batches still not committed after {0}; closing anyway", ShutdownTimeout);
        else if (_ownsEngine && !_engine.DisposeAsync().AsTask().Wait(ShutdownTimeout))
            Context.GetLogger().Warning("Journal engine did not close within {0}", ShutdownTimeout);
        base.PostStop();
    }

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);
}
