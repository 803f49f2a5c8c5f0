namespace DistSync.Linearizability;

/// <summary>
/// In an illegal part: an operation that real time (or, for sequential consistency, its client's program order)
/// allows right after the longest legal prefix but that the model rejects in the state the prefix ends in (were it
/// accepted, the prefix would have been longer).
/// </summary>
/// <param name="HistoryIndex">Position of the operation in the history passed to the checker.</param>
/// <param name="Operation">The model's rendering of the operation.</param>
public sealed record BlockedOperation(int HistoryIndex, string Operation);
