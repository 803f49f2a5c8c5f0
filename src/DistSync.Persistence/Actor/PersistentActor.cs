using DistSync.Actors;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Actor;

/// <summary>
/// An event-sourced actor shaped like Akka.Persistence's: <see cref="Recover{T}"/> handlers rebuild state from the
/// newest snapshot and the journal before any command is handled; <see cref="Command{T}"/> handlers call
/// <see cref="Persist{T}"/> / <see cref="PersistAll{T}"/>, whose handlers run once the events are durable.
/// Commands that arrive while recovery or a persist is in flight are stashed, so handlers run in event order.
/// A failed write or recovery logs the reason and stops the actor; it never carries on with unsaved state.
/// Requires <see cref="PersistenceExtension"/> started for the actor system.
/// </summary>
public abstract class PersistentActor : ActorBase, IWithStash
{
    private readonly List<(Type Type, Action<object> Handler)> _recoverHandlers = new();
    private readonly List<(Type Type, Func<object, bool> TryHandle)> _commandHandlers = new();
    // Distinguishes this incarnation's internal messages from those of an instance that failed and was replaced.
    private readonly object _incarnation = new();
    private readonly Queue<Invocation> _pendingInvocations = new();
    private List<AtomicWrite>? _writesToFlush;
    private PersistenceExtension? _persistence;
    private bool _recovering = true;
    private long _lastAssignedSequenceNr;

    private readonly record struct Invocation(object Event, long SequenceNr, Action<object> Handler);

    /// <summary>Identifies this actor's events and snapshots in the stores; must stay the same across restarts.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>Sequence number of the last event applied (recovered, or persisted and handled).</summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>Set by the runtime; used to hold commands back during recovery and persists.</summary>
    public IStash Stash { get; set; } = null!;

    /// <summary>True until the snapshot and every stored event have been applied.</summary>
    protected bool IsRecovering => _recovering;

    /// <summary>How long recovery waits for the journal actor to settle earlier writes before it gives up (and stops).</summary>
    protected virtual TimeSpan JournalFlushTimeout => TimeSpan.FromMinutes(2);

    /// <summary>Which snapshot recovery starts from; <see cref="SnapshotSelectionCriteria.None"/> replays the whole journal.</summary>
    protected virtual SnapshotSelectionCriteria RecoverySnapshotCriteria => SnapshotSelectionCriteria.Latest;

    private PersistenceExtension Persistence => _persistence ??= PersistenceExtension.Get(Context.System);

    /// <summary>Registers a recovery handler for events of type <typeparamref name="T"/>, or for
    /// <see cref="SnapshotOffer"/> / <see cref="RecoveryCompleted"/>. Call in the constructor.</summary>
    protected void Recover<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _recoverHandlers.Add((typeof(T), o => handler((T)o)));
    }

    /// <summary>Registers a command handler; the first whose type and predicate match handles a message. Call in the constructor.</summary>
    protected void Command<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _commandHandlers.Add((typeof(T), o =>
        {
            var typed = (T)o;
            if (shouldHandle is not null && !shouldHandle(typed)) return false;
            handler(typed);
            return true;
        }));
    }

    /// <summary>
    /// Stores <paramref name="event"/> and then calls <paramref name="handler"/> with it (Sender is the command's
    /// sender). Until then, new commands are stashed. All Persist calls of one command go into one transaction.
    /// </summary>
    protected void Persist<T>(T @event, Action<T> handler) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        var repr = ToRepr(@event, ++_lastAssignedSequenceNr, handler);
        (_writesToFlush ??= new List<AtomicWrite>()).Add(new AtomicWrite(repr));
    }

    /// <summary>Stores <paramref name="events"/> as ONE atomic write (all or none), then calls the handler per event in order.</summary>
    protected void PersistAll<T>(IEnumerable<T> events, Action<T> handler) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(handler);
        var reprs = new List<PersistentRepr>();
        foreach (var e in events) reprs.Add(ToRepr(e, ++_lastAssignedSequenceNr, handler));
        if (reprs.Count > 0) (_writesToFlush ??= new List<AtomicWrite>()).Add(new AtomicWrite(reprs));
    }

    /// <summary>Stores <paramref name="state"/> as the snapshot at <see cref="LastSequenceNr"/>; replies with
    /// <see cref="SaveSnapshotSuccess"/> or <see cref="SaveSnapshotFailure"/> as a command.</summary>
    protected void SaveSnapshot(object state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (typeId, payload) = Persistence.Serializers.Serialize(state);
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, DateTimeOffset.UtcNow);
        var self = Self;
        Persistence.SnapshotStore.SaveAsync(metadata, new SerializedSnapshot(typeId, payload)).ContinueWith(
            t => self.Tell(t.IsCompletedSuccessfully ? new SaveSnapshotSuccess(metadata) : new SaveSnapshotFailure(metadata, Cause(t)), self),
            TaskScheduler.Default);
    }

    /// <summary>Deletes the events up to <paramref name="toSequenceNr"/> (at most up to <see cref="LastSequenceNr"/>);
    /// replies with <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        // Events still in flight are not deleted: only what was acknowledged and applied.
        var bound = Math.Min(toSequenceNr, LastSequenceNr);
        var self = Self;
        Persistence.Journal.DeleteMessagesToAsync(PersistenceId, bound).ContinueWith(
            t => self.Tell(t.IsCompletedSuccessfully ? new DeleteMessagesSuccess(bound) : new DeleteMessagesFailure(bound, Cause(t)), self),
            TaskScheduler.Default);
    }

    /// <summary>Deletes this actor's snapshots matching <paramref name="criteria"/>; replies with
    /// <see cref="DeleteSnapshotsSuccess"/> or <see cref="DeleteSnapshotsFailure"/>.</summary>
    protected void DeleteSnapshots(SnapshotSelectionCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var self = Self;
        Persistence.SnapshotStore.DeleteAsync(PersistenceId, criteria).ContinueWith(
            t => self.Tell(t.IsCompletedSuccessfully ? new DeleteSnapshotsSuccess(criteria) : new DeleteSnapshotsFailure(criteria, Cause(t)), self),
            TaskScheduler.Default);
    }

    /// <summary>Called after a write failed, before the actor stops (the failure is logged already).</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
    }

    /// <summary>Called after recovery failed, before the actor stops (the failure is logged already).
    /// <paramref name="event"/> is the event being applied when a recovery handler threw, else null.</summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? @event)
    {
    }

    protected sealed override void PreStart()
    {
        var persistence = Persistence;
        var self = Self;
        var pid = PersistenceId;
        var criteria = RecoverySnapshotCriteria;
        _ = Task.Run(() => ReplayAsync(persistence, self, pid, criteria, _incarnation, JournalFlushTimeout));
    }

    protected sealed override bool Receive(object message)
    {
        switch (message)
        {
            case InternalMessage internalMessage:
                if (ReferenceEquals(internalMessage.Incarnation, _incarnation)) HandleInternal(internalMessage);
                return true;
            case JournalActor.WriteMessagesSuccess written:
                if (ReferenceEquals(written.Token, _incarnation)) OnWritten(written.Writes);
                return true;
            case JournalActor.WriteMessagesFailure rejected:
                if (ReferenceEquals(rejected.Token, _incarnation)) OnWriteFailed(rejected.Cause);
                return true;
            default:
                if (_recovering || _pendingInvocations.Count > 0)
                {
                    Stash.Stash();
                    return true;
                }
                var handled = TryHandleCommand(message);
                FlushWrites();
                return handled;
        }
    }

    private bool TryHandleCommand(object message)
    {
        var type = message.GetType();
        foreach (var (handlerType, tryHandle) in _commandHandlers)
            if (handlerType.IsAssignableFrom(type) && tryHandle(message)) return true;
        return false;
    }

    private PersistentRepr ToRepr<T>(T @event, long sequenceNr, Action<T> handler) where T : notnull
    {
        var (typeId, payload) = Persistence.Serializers.Serialize(@event);
        _pendingInvocations.Enqueue(new Invocation(@event, sequenceNr, o => handler((T)o)));
        return new PersistentRepr(PersistenceId, sequenceNr, typeId, payload);
    }

    private void FlushWrites()
    {
        if (_writesToFlush is null) return;
        var writes = _writesToFlush;
        _writesToFlush = null;
        // The journal actor replies with the command's sender, so Sender inside the persist handlers is the command's sender.
        Persistence.JournalActor.Tell(new JournalActor.WriteMessages(writes, Self, Sender, _incarnation), Self);
    }

    private void HandleInternal(InternalMessage message)
    {
        switch (message)
        {
            case ReplayedSnapshot snapshot:
                LastSequenceNr = snapshot.Offer.Metadata.SequenceNr;
                if (!ApplyRecovery(snapshot.Offer)) return;
                break;
            case ReplayedEvents replayed:
                foreach (var (sequenceNr, e) in replayed.Events)
                {
                    LastSequenceNr = sequenceNr;
                    if (!ApplyRecovery(e)) return;
                }
                break;
            case ReplayFinished finished:
                LastSequenceNr = Math.Max(LastSequenceNr, finished.HighestSequenceNr);
                _lastAssignedSequenceNr = LastSequenceNr;
                if (!ApplyRecovery(RecoveryCompleted.Instance)) return;
                _recovering = false;
                FlushWrites(); // a RecoveryCompleted handler may persist
                if (_pendingInvocations.Count == 0) Stash.UnstashAll();
                break;
            case ReplayFailed failed:
                FailRecovery(failed.Cause, null);
                break;
        }
    }

    private void OnWritten(IReadOnlyList<AtomicWrite> writes)
    {
        var count = 0;
        for (var w = 0; w < writes.Count; w++) count += writes[w].Events.Count;
        for (var i = 0; i < count; i++)
        {
            var invocation = _pendingInvocations.Dequeue();
            LastSequenceNr = invocation.SequenceNr;
            invocation.Handler(invocation.Event);
        }
        FlushWrites(); // handlers may persist again
        if (_pendingInvocations.Count == 0) Stash.UnstashAll();
    }

    private void OnWriteFailed(Exception cause)
    {
        var first = _pendingInvocations.Count > 0 ? _pendingInvocations.Peek() : default;
        Log.Error(cause, "Persisting event {SequenceNr} of {PersistenceId} failed; stopping the actor", first.SequenceNr, PersistenceId);
        try
        {
            OnPersistFailure(cause, first.Event, first.SequenceNr);
        }
        finally
        {
            _pendingInvocations.Clear();
            Context.Stop(Self);
        }
    }

    private bool ApplyRecovery(object item)
    {
        var type = item.GetType();
        try
        {
            foreach (var (handlerType, handler) in _recoverHandlers)
            {
                if (!handlerType.IsAssignableFrom(type)) continue;
                handler(item);
                return true;
            }
            // Snapshot offers and the completion signal are optional to handle; an unknown event is worth a warning.
            if (item is not SnapshotOffer and not RecoveryCompleted)
                Log.Warning("No Recover handler for event {EventType} of {PersistenceId}; it is skipped", type.Name, PersistenceId);
            return true;
        }
        catch (Exception error)
        {
            FailRecovery(error, item);
            return false;
        }
    }

    private void FailRecovery(Exception cause, object? @event)
    {
        Log.Error(cause, "Recovery of {PersistenceId} failed at sequence number {SequenceNr}; stopping the actor", PersistenceId, LastSequenceNr);
        try
        {
            OnRecoveryFailure(cause, @event);
        }
        finally
        {
            _recovering = true; // nothing more is handled
            Context.Stop(Self);
        }
    }

    private static async Task ReplayAsync(PersistenceExtension persistence, IActorRef self, string pid,
        SnapshotSelectionCriteria criteria, object incarnation, TimeSpan flushTimeout)
    {
        try
        {
            // Writes of a previous incarnation (before a restart) may still be queued: wait until they are settled,
            // or this incarnation would read a stale highest sequence number and reuse it.
            await persistence.JournalActor.Ask<JournalActor.WriteMessagesSuccess>(new JournalActor.Flush(), flushTimeout).ConfigureAwait(false);
            var serializers = persistence.Serializers;
            var from = 1L;
            var snapshot = criteria == SnapshotSelectionCriteria.None
                ? null
                : await persistence.SnapshotStore.LoadAsync(pid, criteria).ConfigureAwait(false);
            if (snapshot is not null)
            {
                var state = serializers.Deserialize(snapshot.Snapshot.TypeId, snapshot.Snapshot.Payload);
                self.Tell(new ReplayedSnapshot(incarnation, new SnapshotOffer(snapshot.Metadata, state)), self);
                from = snapshot.Metadata.SequenceNr + 1;
            }
            var chunkSize = persistence.Settings.ReplayChunkSize;
            var chunk = new List<(long, object)>(chunkSize);
            var last = from - 1;
            await persistence.Journal.ReplayMessagesAsync(pid, from, long.MaxValue, long.MaxValue, repr =>
            {
                chunk.Add((repr.SequenceNr, serializers.Deserialize(repr.TypeId, repr.Payload)));
                last = repr.SequenceNr;
                if (chunk.Count < chunkSize) return;
                self.Tell(new ReplayedEvents(incarnation, chunk), self);
                chunk = new List<(long, object)>(chunkSize);
            }).ConfigureAwait(false);
            if (chunk.Count > 0) self.Tell(new ReplayedEvents(incarnation, chunk), self);
            var highest = await persistence.Journal.ReadHighestSequenceNrAsync(pid, from).ConfigureAwait(false);
            self.Tell(new ReplayFinished(incarnation, Math.Max(highest, last)), self);
        }
        catch (Exception error)
        {
            self.Tell(new ReplayFailed(incarnation, error), self);
        }
    }

    private static Exception Cause(Task task) =>
        task.Exception is { } aggregate
            ? aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate
            : new TaskCanceledException(task);

    private abstract record InternalMessage(object Incarnation);

    private sealed record ReplayedSnapshot(object Incarnation, SnapshotOffer Offer) : InternalMessage(Incarnation);

    private sealed record ReplayedEvents(object Incarnation, List<(long SequenceNr, object Event)> Events) : InternalMessage(Incarnation);

    private sealed record ReplayFinished(object Incarnation, long HighestSequenceNr) : InternalMessage(Incarnation);

    private sealed record ReplayFailed(object Incarnation, Exception Cause) : InternalMessage(Incarnation);
}
