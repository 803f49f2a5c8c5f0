using Akka.Actor;
using Akka.Persistence;

namespace DistSync.Persistence.CrashHost;

/// <summary>
/// An Akka ReceivePersistentActor on the dsync plugins. Persists the events 1, 2, 3, ... (each event is its own
/// sequence number) as fast as the journal acknowledges them and prints "ack &lt;pid&gt; &lt;seqNr&gt;" only after an
/// event is durable. In recovery mode it prints what it recovered and whether the events form the gap-free run
/// 1..LastSequenceNr.
/// </summary>
public sealed class CountingActor : ReceivePersistentActor
{
    public sealed record Next;

    private readonly bool _keepWriting;
    private readonly TaskCompletionSource _recovered;
    private long _count;
    private bool _gapFree = true;

    public CountingActor(string persistenceId, bool keepWriting, TaskCompletionSource recovered)
    {
        PersistenceId = persistenceId;
        _keepWriting = keepWriting;
        _recovered = recovered;
        Recover<long>(value =>
        {
            _count++;
            if (value != _count || value != LastSequenceNr) _gapFree = false;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            Console.WriteLine($"recovered {PersistenceId} {LastSequenceNr} {_count} {(_gapFree ? "gap-free" : "GAPS")}");
            _recovered.TrySetResult();
            if (_keepWriting) Self.Tell(new Next());
        });
        Command<Next>(_ => Persist(LastSequenceNr + 1, value =>
        {
            Console.WriteLine($"ack {PersistenceId} {value}");
            Self.Tell(new Next());
        }));
    }

    public override string PersistenceId { get; }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Console.Error.WriteLine($"recovery of {PersistenceId} failed: {reason}");
        _recovered.TrySetException(reason);
        base.OnRecoveryFailure(reason, message);
    }
}
