namespace DistSync.Persistence.Actor;

/// <summary>Handed to <c>Recover&lt;RecoveryCompleted&gt;</c> after the last replayed event, before any command.</summary>
public sealed class RecoveryCompleted
{
    public static RecoveryCompleted Instance { get; } = new();

    private RecoveryCompleted()
    {
    }

    public override string ToString() => nameof(RecoveryCompleted);
}
