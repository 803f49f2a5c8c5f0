namespace DistSync.Linearizability;

/// <summary>Factories for <see cref="Operation{TInput,TOutput}"/> that infer the type arguments.</summary>
public static class Operation
{
    /// <summary>A call that returned <paramref name="output"/>.</summary>
    public static Operation<TInput, TOutput> Completed<TInput, TOutput>(
        int clientId, TInput input, long callTime, TOutput output, long returnTime) =>
        Operation<TInput, TOutput>.Completed(clientId, input, callTime, output, returnTime);
}
