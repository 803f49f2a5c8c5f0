using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Plugins;
using AkkaAtomicWrite = Akka.Persistence.AtomicWrite;
using EngineWrite = DistSync.Persistence.Journal.AtomicWrite;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// An <see cref="IJournal"/> that is a client of the Akka journal plugin: every call becomes Akka's protocol
/// (WriteMessages, ReplayMessages, DeleteMessagesTo) to the <c>dsync</c> journal of its own actor system. It lets
/// the engine conformance kit (src/DistSync.Persistence.Tck) run against the Akka plugin unchanged. A batch is one
/// WriteMessages, so one request of the group-commit writer; committed transactions are the plugin's batches.
/// </summary>
public sealed class PluginJournalClient : IJournal
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private static int _systems;
    private readonly ActorSystem _system;
    private readonly IActorRef _journal;

    private PluginJournalClient(ActorSystem system)
    {
        _system = system;
        _journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(PersistencePlugins.JournalId);
    }

    /// <summary>Starts an actor system over <paramref name="backend"/>'s data (a second call reopens what the first wrote).</summary>
    public static PluginJournalClient Start(PluginBackend backend) =>
        new(ActorSystem.Create($"tck-{Interlocked.Increment(ref _systems)}", backend.Setup(extraConfig: Config)));

    public static string Config => $$"""
        akka.loglevel = WARNING
        akka.actor.serializers.tck = "{{typeof(TckEvent.Serializer).FullName}}, DistSync.Persistence.Tests"
        akka.actor.serialization-bindings { "{{typeof(TckEvent).FullName}}, DistSync.Persistence.Tests" = tck }
        """;

    public long CommittedTransactions => JournalPluginMetrics.For(_system).Batches;

    public async Task WriteMessagesAsync(IReadOnlyList<EngineWrite> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0) return;
        var expected = batch.Sum(w => w.Events.Count);
        var done = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = 0;
        Exception? rejection = null;
        var collector = _system.ActorOf(ReplyCollector.Props(reply =>
        {
            switch (reply)
            {
                case WriteMessagesFailed failed:
                    done.TrySetResult(failed.Cause);
                    return true;
                case WriteMessageRejected rejected:
                    rejection ??= rejected.Cause;
                    break;
                case WriteMessageSuccess:
                    break;
                default:
                    return false; // WriteMessagesSuccessful comes first
            }
            if (++answered < expected) return false;
            done.TrySetResult(rejection);
            return true;
        }));
        var writes = batch.Select(w => (IPersistentEnvelope)new AkkaAtomicWrite(w.Events
            .Select(e => (IPersistentRepresentation)new Persistent(new TckEvent(e.TypeId, e.Payload), e.SequenceNr, e.PersistenceId,
                Persistent.Undefined, false, collector, "tck"))
            .ToImmutableList())).ToList();
        _journal.Tell(new WriteMessages(writes, collector, 1));
        if (await done.Task.WaitAsync(Generous, cancellationToken).ConfigureAwait(false) is { } error) throw error;
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        await ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, p =>
        {
            var e = (TckEvent)p.Payload;
            onReplayed(new PersistentRepr(p.PersistenceId, p.SequenceNr, e.TypeId, e.Payload));
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        ReplayAsync(persistenceId, Math.Max(1, fromSequenceNr), long.MaxValue, 0, _ => { }, cancellationToken);

    private async Task<long> ReplayAsync(string persistenceId, long from, long to, long max, Action<IPersistentRepresentation> onReplayed,
        CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = _system.ActorOf(ReplyCollector.Props(reply =>
        {
            switch (reply)
            {
                case ReplayedMessage replayed:
                    onReplayed(replayed.Persistent);
                    return false;
                case RecoverySuccess success:
                    done.TrySetResult(success.HighestSequenceNr);
                    return true;
                case ReplayMessagesFailure failure:
                    done.TrySetException(failure.Cause);
                    return true;
                default:
                    return false;
            }
        }));
        _journal.Tell(new ReplayMessages(from, to, max, persistenceId, collector));
        return await done.Task.WaitAsync(Generous, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = _system.ActorOf(ReplyCollector.Props(reply =>
        {
            switch (reply)
            {
                case DeleteMessagesSuccess:
                    done.TrySetResult();
                    return true;
                case DeleteMessagesFailure failure:
                    done.TrySetException(failure.Cause);
                    return true;
                default:
                    return false;
            }
        }));
        _journal.Tell(new DeleteMessagesTo(persistenceId, toSequenceNr, collector));
        await done.Task.WaitAsync(Generous, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(Generous).ConfigureAwait(false);
}
