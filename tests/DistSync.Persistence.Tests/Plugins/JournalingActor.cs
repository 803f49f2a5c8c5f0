using Akka.Actor;
using Akka.Persistence;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// A ReceivePersistentActor on the dsync plugins: persists what it is told, snapshots its list on request, and
/// reports recoveries, rejections and failures to <c>monitor</c>.
/// </summary>
public sealed class JournalingActor : ReceivePersistentActor
{
    public sealed record Append(object Event);

    public sealed record AppendAll(IReadOnlyList<object> Events);

    public sealed record TakeSnapshot;

    public sealed record Delete(long ToSequenceNr);

    public sealed record GetState;

    public sealed record State(IReadOnlyList<object> Events, long LastSequenceNr, bool RecoveredFromSnapshot);

    public sealed record Rejected(object Event, long SequenceNr);

    public sealed record Failed(object Event, long SequenceNr);

    public sealed record RecoveryFailed(Exception Cause);

    private readonly IActorRef _monitor;
    private readonly List<object> _events = new();
    private bool _fromSnapshot;

    public JournalingActor(string persistenceId, IActorRef monitor)
    {
        PersistenceId = persistenceId;
        _monitor = monitor;
        Recover<SnapshotOffer>(offer =>
        {
            _fromSnapshot = true;
            _events.AddRange(((string)offer.Snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });
        Recover<RecoveryCompleted>(_ => { });
        Recover<object>(e => _events.Add(e));
        Command<Append>(a => Persist(a.Event, e =>
        {
            _events.Add(e);
            Sender.Tell(new State(_events.ToArray(), LastSequenceNr, _fromSnapshot));
        }));
        Command<AppendAll>(a =>
        {
            PersistAll(a.Events, e => _events.Add(e));
            DeferAsync(a, _ => Sender.Tell(new State(_events.ToArray(), LastSequenceNr, _fromSnapshot)));
        });
        Command<TakeSnapshot>(_ => SaveSnapshot(string.Join('\n', _events)));
        Command<SaveSnapshotSuccess>(s => _monitor.Tell(s));
        Command<SaveSnapshotFailure>(f => _monitor.Tell(f));
        Command<Delete>(d => DeleteMessages(d.ToSequenceNr));
        Command<DeleteMessagesSuccess>(s => _monitor.Tell(s));
        Command<DeleteMessagesFailure>(f => _monitor.Tell(f));
        Command<GetState>(_ => Sender.Tell(new State(_events.ToArray(), LastSequenceNr, _fromSnapshot)));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, IActorRef monitor) =>
        Akka.Actor.Props.Create(() => new JournalingActor(persistenceId, monitor));

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _monitor.Tell(new Rejected(@event, sequenceNr));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _monitor.Tell(new RecoveryFailed(reason));
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _monitor.Tell(new Failed(@event, sequenceNr));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
