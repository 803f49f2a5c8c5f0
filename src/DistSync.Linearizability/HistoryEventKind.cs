namespace DistSync.Linearizability;

/// <summary>Whether a <see cref="HistoryEvent{TInput,TOutput}"/> is the start or the end of an operation.</summary>
public enum HistoryEventKind
{
    Call,
    Return,
}
