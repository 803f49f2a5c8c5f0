namespace DistSync.Linearizability.Models;

/// <summary>
/// A linearizable key-value store with per-key versions and compare-and-set (API.md "Key-value"), checked one
/// key at a time (the history is partitioned by key).
/// </summary>
/// <remarks>
/// With <c>checkVersions</c> on, a get must report the version of the last write, a write's version must exceed
/// every earlier version of the key, and a compare-and-set must succeed exactly when the expected version is the
/// current one. With it off, versions are ignored: a compare-and-set on an existing key may succeed or fail
/// (only "expected 0 = must not exist" is checked), and the values are what is checked.
/// Transactions and ranges touch several keys: check them with <see cref="KvTxnModel"/>, which judges these
/// single-key operations the same way (versions checked) and keeps connected keys in one state.
/// A timed-out write is applied with an unknown version, pinned later by a get that reports it. Known leniency:
/// while a version is unknown, a failed compare-and-set is always accepted.
/// </remarks>
public sealed class KvModel : IModel<KvKeyState, KvInput, KvOutput>
{
    private readonly bool _checkVersions;

    /// <param name="checkVersions">Whether outputs carry versions that must be checked.</param>
    public KvModel(bool checkVersions = true)
    {
        _checkVersions = checkVersions;
    }

    public KvKeyState Init() => KvKeyState.Absent;

    public (bool Ok, KvKeyState Next) Step(KvKeyState state, KvInput input, Observed<KvOutput> output) => input.Kind switch
    {
        KvOperationKind.Get => StepGet(state, output),
        KvOperationKind.Put => StepPut(state, input, output),
        KvOperationKind.Delete => StepDelete(state, output),
        KvOperationKind.Txn or KvOperationKind.Range or KvOperationKind.DeleteRange =>
            throw new ArgumentException($"KvModel checks one key at a time; check {input.Kind} with KvTxnModel.", nameof(input)),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown key-value operation."),
    };

    public IReadOnlyList<IReadOnlyList<Operation<KvInput, KvOutput>>> Partition(IReadOnlyList<Operation<KvInput, KvOutput>> history) =>
        HistoryPartitions.ByKey(history, input => input.Key);

    public string DescribePartition(IReadOnlyList<Operation<KvInput, KvOutput>> partition) =>
        partition.Count == 0 ? "" : $"key \"{partition[0].Input.Key}\"";

    public string DescribeOperation(KvInput input, Observed<KvOutput> output)
    {
        if (!output.IsKnown)
        {
            return $"{input} -> ? (timed out)";
        }

        var o = output.Value;
        return input.Kind switch
        {
            KvOperationKind.Get => o.Ok ? $"{input} -> \"{o.Value}\"{VersionText(o.Version)}" : $"{input} -> not found",
            KvOperationKind.Put => o.Ok ? $"{input} -> written{VersionText(o.Version)}" : $"{input} -> version mismatch",
            _ => o.Ok ? $"{input} -> deleted" : $"{input} -> was absent",
        };
    }

    public string DescribeState(KvKeyState state) => state.ToString();

    private static string VersionText(long version) => version == 0 ? "" : $" v{version}";

    private (bool, KvKeyState) StepGet(KvKeyState state, Observed<KvOutput> output)
    {
        if (!output.IsKnown)
        {
            return (true, state);
        }

        var o = output.Value;
        if (!o.Ok)
        {
            return (!state.Exists, state);
        }

        if (!state.Exists || !string.Equals(o.Value, state.Value, StringComparison.Ordinal))
        {
            return (false, state);
        }

        if (!_checkVersions)
        {
            return (true, state);
        }

        if (state.Version != 0)
        {
            return (o.Version == state.Version, state);
        }

        // The last write timed out: the first read that reports its version pins it.
        return o.Version >= state.VersionFloor
            ? (true, state with { Version = o.Version, VersionFloor = 0, NextVersionFloor = Math.Max(state.NextVersionFloor, o.Version + 1) })
            : (false, state);
    }

    private (bool, KvKeyState) StepPut(KvKeyState state, KvInput input, Observed<KvOutput> output)
    {
        // true: the write must happen; false: it must not; null: either (the version is unknown or unchecked).
        bool? matches = input.ExpectedVersion switch
        {
            null => true,
            0 => !state.Exists,
            _ when !state.Exists => false,
            _ when !_checkVersions => null,
            { } expected when state.Version != 0 => state.Version == expected,
            { } expected => expected >= state.VersionFloor ? null : false,
        };

        if (output.IsKnown && !output.Value.Ok)
        {
            // A version mismatch changes nothing; it is legal unless the write had to happen.
            return (matches != true && input.ExpectedVersion is not null, state);
        }

        if (matches == false)
        {
            return (!output.IsKnown, state);
        }

        if (!_checkVersions)
        {
            return (true, new KvKeyState(true, input.Value, 0, 0, 1));
        }

        var floor = state.NextVersionFloor;
        if (matches is null)
        {
            // Succeeding against an unknown version pins it to the expected one.
            floor = Math.Max(floor, input.ExpectedVersion!.Value + 1);
        }

        if (!output.IsKnown)
        {
            return (true, new KvKeyState(true, input.Value, 0, floor, floor + 1));
        }

        var version = output.Value.Version;
        return version >= floor
            ? (true, new KvKeyState(true, input.Value, version, 0, version + 1))
            : (false, state);
    }

    private static (bool, KvKeyState) StepDelete(KvKeyState state, Observed<KvOutput> output)
    {
        var next = KvKeyState.Absent with { NextVersionFloor = state.NextVersionFloor };
        if (!output.IsKnown)
        {
            return (true, next);
        }

        return (output.Value.Ok == state.Exists, next);
    }
}
