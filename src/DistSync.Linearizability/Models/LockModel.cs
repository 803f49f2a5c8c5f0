namespace DistSync.Linearizability.Models;

/// <summary>
/// The lock service (API.md "Locks"), checked one resource at a time: an exclusive holder is alone, shared
/// holders may coexist, every grant's fencing token is strictly greater than all earlier grants' tokens of the
/// resource, a release reports whether the owner held the lock, and an owner's session end releases its locks.
/// </summary>
/// <remarks>
/// <para>Re-acquiring in the mode already held is idempotent and must return the same token; an exclusive holder
/// asking for shared keeps its exclusive hold and token; the sole shared holder asking for exclusive is an
/// upgrade, which may keep its token or get a new, larger one.</para>
/// <para>A refusal (409 timeout, deadlock, conflict) changes nothing. By default a refusal is always accepted,
/// because FIFO fairness and deadlock detection may refuse a request that is compatible at that instant; with
/// <c>strictRefusals</c> a refusal is only legal while the lock is held incompatibly.</para>
/// <para>A timed-out acquire may be granted at any time after its call (when compatible), with an unknown token
/// that still uses up one token value, or never.</para>
/// </remarks>
public sealed class LockModel : IModel<LockState, LockInput, LockOutput>
{
    private readonly bool _strictRefusals;

    /// <param name="strictRefusals">Reject refusals of requests that were compatible when linearized.</param>
    public LockModel(bool strictRefusals = false)
    {
        _strictRefusals = strictRefusals;
    }

    public LockState Init() => LockState.Free;

    public (bool Ok, LockState Next) Step(LockState state, LockInput input, Observed<LockOutput> output) => input.Kind switch
    {
        LockOperationKind.Acquire => StepAcquire(state, input, output),
        LockOperationKind.Release => StepRelease(state, input.Owner, output),
        LockOperationKind.ReleaseAll => (true, state.Without(input.Owner)),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown lock operation."),
    };

    /// <summary>One part per resource; session ends go into every part.</summary>
    public IReadOnlyList<IReadOnlyList<Operation<LockInput, LockOutput>>> Partition(IReadOnlyList<Operation<LockInput, LockOutput>> history) =>
        HistoryPartitions.ByKey(history, input => input.Resource);

    public string DescribePartition(IReadOnlyList<Operation<LockInput, LockOutput>> partition)
    {
        foreach (var op in partition)
        {
            if (op.Input.Resource is { } resource)
            {
                return $"resource \"{resource}\"";
            }
        }

        return "";
    }

    public string DescribeOperation(LockInput input, Observed<LockOutput> output)
    {
        if (!output.IsKnown)
        {
            return $"{input} -> ? (timed out)";
        }

        var o = output.Value;
        return input.Kind switch
        {
            LockOperationKind.Acquire => o.Ok ? $"{input} -> granted token {o.FencingToken}" : $"{input} -> not granted",
            LockOperationKind.Release => o.Ok ? $"{input} -> released" : $"{input} -> was not held",
            _ => $"{input} -> ok",
        };
    }

    public string DescribeState(LockState state) => state.ToString();

    private (bool, LockState) StepAcquire(LockState state, LockInput input, Observed<LockOutput> output)
    {
        var owner = input.Owner;
        var held = state.HolderOf(owner);
        var refused = output.IsKnown && !output.Value.Ok;

        if (held is { } h && (h.Mode == input.Mode || h.Mode == LockMode.Exclusive))
        {
            // Already covered by what the owner holds: answered with the held token, nothing changes.
            if (refused)
            {
                return (!_strictRefusals, state);
            }

            if (!output.IsKnown)
            {
                return (true, state);
            }

            var token = output.Value.FencingToken;
            if (h.FencingToken == 0)
            {
                // The grant that gave this hold timed out: this answer reveals its token.
                return (true, state.With(h with { FencingToken = token }, state.NextTokenFloor));
            }

            return (token == h.FencingToken, state);
        }

        var compatible = input.Mode == LockMode.Exclusive
            ? state.Holders.Count == 0 || (state.Holders.Count == 1 && held is not null)
            : !state.IsExclusivelyHeld;

        if (refused)
        {
            return (!_strictRefusals || !compatible, state);
        }

        if (!compatible)
        {
            // Granted while held incompatibly, or a timed-out call that cannot take effect now.
            return (!output.IsKnown, state);
        }

        var holder = new LockHolder(owner, input.Mode, 0);
        if (!output.IsKnown)
        {
            return (true, state.With(holder, state.NextTokenFloor + 1));
        }

        var granted = output.Value.FencingToken;
        if (held is { FencingToken: var upgradedFrom } && upgradedFrom != 0 && granted == upgradedFrom)
        {
            // An upgrade that kept its token.
            return (true, state.With(holder with { FencingToken = granted }, state.NextTokenFloor));
        }

        return granted >= state.NextTokenFloor
            ? (true, state.With(holder with { FencingToken = granted }, granted + 1))
            : (false, state);
    }

    private static (bool, LockState) StepRelease(LockState state, string owner, Observed<LockOutput> output)
    {
        var holds = state.HolderOf(owner) is not null;
        var next = state.Without(owner);
        if (!output.IsKnown)
        {
            return (true, next);
        }

        return (output.Value.Ok == holds, next);
    }
}
