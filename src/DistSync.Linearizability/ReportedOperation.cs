namespace DistSync.Linearizability;

/// <summary>One operation of a checked history, rendered for reports.</summary>
/// <param name="HistoryIndex">Position in the history passed to the checker.</param>
/// <param name="ClientId">The calling client.</param>
/// <param name="CallTime">When it was called.</param>
/// <param name="ReturnTime">When it returned; <see cref="long.MaxValue"/> for a timed-out call.</param>
/// <param name="IsOutputUnknown">True for a timed-out call.</param>
/// <param name="Description">The model's rendering of input and output.</param>
public sealed record ReportedOperation(
    int HistoryIndex, int ClientId, long CallTime, long ReturnTime, bool IsOutputUnknown, string Description);
