using DistSync.Actors;
using DistSync.Persistence.Actor;
using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Tests;

/// <summary>A persistent actor holding a list of strings; it reports what happens to a probe.</summary>
public sealed class EventLogActor : PersistentActor
{
    public sealed record Append(string Value);
    public sealed record AppendAll(string[] Values);
    public sealed record GetState;
    public sealed record State(string Joined, long LastSequenceNr);
    public sealed record Snap;
    public sealed record DeleteUpTo(long SequenceNr);
    public sealed record DeleteAllSnapshots;
    public sealed record Acked(string Value, long SequenceNr);
    public sealed record Recovered(string Joined, long LastSequenceNr);
    public sealed record Offered(string Snapshot, long SequenceNr);
    public sealed record PersistFailed(string Event, long SequenceNr, string Reason);
    public sealed record RecoveryFailed(string Reason);

    private readonly IActorRef _probe;
    private readonly List<string> _values = new();

    public EventLogActor(string persistenceId, IActorRef probe)
    {
        PersistenceId = persistenceId;
        _probe = probe;
        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (string)offer.Snapshot;
            _values.AddRange(snapshot.Split(',', StringSplitOptions.RemoveEmptyEntries));
            _probe.Tell(new Offered(snapshot, offer.Metadata.SequenceNr));
        });
        Recover<string>(Apply);
        Recover<RecoveryCompleted>(_ => _probe.Tell(new Recovered(Joined, LastSequenceNr)));
        Command<Append>(c => Persist(c.Value, e =>
        {
            Apply(e);
            Sender.Tell(new Acked(e, LastSequenceNr));
        }));
        Command<AppendAll>(c => PersistAll(c.Values, e =>
        {
            Apply(e);
            Sender.Tell(new Acked(e, LastSequenceNr));
        }));
        Command<GetState>(_ => Sender.Tell(new State(Joined, LastSequenceNr)));
        Command<Snap>(_ => SaveSnapshot(Joined));
        Command<DeleteUpTo>(d => DeleteMessages(d.SequenceNr));
        Command<DeleteAllSnapshots>(_ => DeleteSnapshots(SnapshotSelectionCriteria.Latest));
        Command<SaveSnapshotSuccess>(m => _probe.Tell(m));
        Command<SaveSnapshotFailure>(m => _probe.Tell(m));
        Command<DeleteMessagesSuccess>(m => _probe.Tell(m));
        Command<DeleteSnapshotsSuccess>(m => _probe.Tell(m));
    }

    public override string PersistenceId { get; }

    private string Joined => string.Join(",", _values);

    private void Apply(string value)
    {
        if (value == "poison") throw new InvalidOperationException("poison event");
        _values.Add(value);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _probe.Tell(new PersistFailed((string)@event, sequenceNr, cause.Message));

    protected override void OnRecoveryFailure(Exception cause, object? @event) => _probe.Tell(new RecoveryFailed(cause.Message));
}
