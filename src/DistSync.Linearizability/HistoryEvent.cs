namespace DistSync.Linearizability;

/// <summary>
/// One event of an event-style history: the call or the return of the operation <see cref="OperationId"/>.
/// An event's position in the list is its time. A call without a return is a timed-out call (unknown output).
/// Convert with <see cref="History.FromEvents{TInput,TOutput}"/> or check directly with
/// <see cref="LinearizabilityChecker.CheckEvents{TState,TInput,TOutput}"/>.
/// </summary>
public sealed record HistoryEvent<TInput, TOutput>
{
    private HistoryEvent(HistoryEventKind kind, int clientId, int operationId, TInput? input, TOutput? output)
    {
        Kind = kind;
        ClientId = clientId;
        OperationId = operationId;
        Input = input;
        Output = output;
    }

    public HistoryEventKind Kind { get; }

    public int ClientId { get; }

    /// <summary>Pairs a return with its call; unique per call within one history.</summary>
    public int OperationId { get; }

    /// <summary>The input; set on calls only.</summary>
    public TInput? Input { get; }

    /// <summary>The output; set on returns only.</summary>
    public TOutput? Output { get; }

    public static HistoryEvent<TInput, TOutput> Call(int clientId, int operationId, TInput input) =>
        new(HistoryEventKind.Call, clientId, operationId, input, default);

    public static HistoryEvent<TInput, TOutput> Return(int clientId, int operationId, TOutput output) =>
        new(HistoryEventKind.Return, clientId, operationId, default, output);
}
