namespace DistSync.Linearizability;

/// <summary>
/// In an illegal part: an operation that could come right after the longest linearizable prefix (real-time order
/// allows it) but does not lead to a full linearization.
/// </summary>
/// <param name="HistoryIndex">Position of the operation in the history passed to the checker.</param>
/// <param name="Operation">The model's rendering of the operation.</param>
/// <param name="AcceptedByModel">
/// False: the model rejects the operation in the state after the prefix (e.g. a read of a value that is not there).
/// True: the model accepts it there, but every continuation fails later.
/// </param>
public sealed record BlockedOperation(int HistoryIndex, string Operation, bool AcceptedByModel);
