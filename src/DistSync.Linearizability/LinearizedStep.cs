namespace DistSync.Linearizability;

/// <summary>One operation placed in a linearization (or a sequentially consistent order), with the model state right after it.</summary>
/// <param name="HistoryIndex">Position of the operation in the history passed to the checker.</param>
/// <param name="Operation">The model's rendering of the operation.</param>
/// <param name="StateAfter">The model's rendering of the state after the operation.</param>
public sealed record LinearizedStep(int HistoryIndex, string Operation, string StateAfter);
