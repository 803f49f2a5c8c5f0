using DistSync.Linearizability;
using DistSync.Linearizability.Models;
using DistSync.Raft.Simulation;

namespace DistSync.Raft.Tests.Support;

/// <summary>Checks a simulator's client history with the Porcupine-style checker and its key-value model.</summary>
public static class SimulatedKvHistory
{
    public static IReadOnlyList<Operation<KvInput, KvOutput>> ToOperations(IReadOnlyList<SimKvOperation> ops)
    {
        var list = new List<Operation<KvInput, KvOutput>>(ops.Count);
        foreach (var op in ops)
        {
            var input = op.Kind switch
            {
                SimKvOperationKind.Get => KvInput.Get(op.Key),
                SimKvOperationKind.Put => KvInput.Put(op.Key, op.Value!),
                _ => KvInput.CompareAndSet(op.Key, op.Value!, op.ExpectedVersion),
            };
            if (op.Result is not { } r)
            {
                list.Add(Operation<KvInput, KvOutput>.Unknown(op.ClientId, input, op.CallTime));
                continue;
            }
            var output = op.Kind switch
            {
                SimKvOperationKind.Get => r.Ok ? KvOutput.Found(r.Value!, r.Version) : KvOutput.NotFound,
                _ => r.Ok ? KvOutput.Written(r.Version) : KvOutput.VersionMismatch,
            };
            list.Add(Operation<KvInput, KvOutput>.Completed(op.ClientId, input, op.CallTime, output, op.ReturnTime));
        }
        return list;
    }

    /// <summary>Null when linearizable; otherwise the checker's explanation.</summary>
    public static string? Check(IReadOnlyList<SimKvOperation> ops)
    {
        var result = LinearizabilityChecker.Check(new KvModel(), ToOperations(ops), TimeSpan.FromSeconds(60));
        return result.Outcome == CheckOutcome.Ok ? null : $"{result.Outcome}: {result.Explain()}";
    }
}
