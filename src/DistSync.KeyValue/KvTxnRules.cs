using DistSync.KeyValue.Wire;

namespace DistSync.KeyValue;

/// <summary>
/// The input rules of a transaction, shared by the HTTP layer (before proposing) and the state machine (on apply, so
/// the log itself is guarded): sizes of the lists, keys and values within <see cref="KvLimits"/>, a target on every
/// compare, an operation on every op. Fields are named as the JSON body names them (<c>compare[2].key</c>).
/// </summary>
public static class KvTxnRules
{
    public static KvRuleViolation? Check(Txn txn, KvLimits limits)
    {
        if (txn.Compare.Count > KvLimits.MaxTxnOps) return TooMany("compare", txn.Compare.Count);
        if (txn.Success.Count > KvLimits.MaxTxnOps) return TooMany("success", txn.Success.Count);
        if (txn.Failure.Count > KvLimits.MaxTxnOps) return TooMany("failure", txn.Failure.Count);
        for (var i = 0; i < txn.Compare.Count; i++)
        {
            var c = txn.Compare[i];
            var field = $"compare[{i}]";
            if (limits.CheckKey(c.Key, field + ".key") is { } badKey) return new KvRuleViolation(field + ".key", badKey);
            switch (c.TargetCase)
            {
                case Compare.TargetOneofCase.None:
                    return new KvRuleViolation(field, $"field '{field}' needs one of 'version', 'createVersion', 'value', 'exists'");
                case Compare.TargetOneofCase.Exists when c.Op is CompareOp.Less or CompareOp.Greater:
                    return new KvRuleViolation(field + ".op", $"field '{field}.op' must be '==' or '!=' for 'exists'");
                case Compare.TargetOneofCase.Value when limits.CheckValue(c.Value, field + ".value") is { } badValue:
                    return new KvRuleViolation(field + ".value", badValue, TooLarge: true);
            }
            if (!Enum.IsDefined(c.Op)) return new KvRuleViolation(field + ".op", $"field '{field}.op' is not a compare operator");
        }
        return CheckOps(txn.Success, "success", limits) ?? CheckOps(txn.Failure, "failure", limits);
    }

    /// <summary>Null when <paramref name="put"/> is acceptable (<paramref name="field"/> names it in the message).</summary>
    public static KvRuleViolation? CheckPut(Put put, KvLimits limits, string field = "")
    {
        var prefix = field.Length == 0 ? "" : field + ".";
        if (limits.CheckKey(put.Key, prefix + "key") is { } badKey) return new KvRuleViolation(prefix + "key", badKey);
        if (limits.CheckValue(put.Value, prefix + "value") is { } badValue) return new KvRuleViolation(prefix + "value", badValue, TooLarge: true);
        if (put.HasExpectedVersion && put.ExpectedVersion < 0)
            return new KvRuleViolation(prefix + "expectedVersion", $"field '{prefix}expectedVersion' must be 0 (must not exist) or a positive version");
        return null;
    }

    private static KvRuleViolation? CheckOps(IReadOnlyList<TxnOp> ops, string list, KvLimits limits)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var field = $"{list}[{i}]";
            var op = ops[i];
            switch (op.OpCase)
            {
                case TxnOp.OpOneofCase.Put:
                    if (op.Put.HasExpectedVersion)
                        return new KvRuleViolation(field + ".expectedVersion", $"field '{field}.expectedVersion' is not allowed in a transaction: use a compare");
                    if (CheckPut(op.Put, limits, field) is { } badPut) return badPut;
                    break;
                case TxnOp.OpOneofCase.Delete:
                    if (limits.CheckKey(op.Delete.Key, field + ".key") is { } badKey) return new KvRuleViolation(field + ".key", badKey);
                    break;
                case TxnOp.OpOneofCase.DeleteRange:
                    if (limits.CheckRange(KvKeyRange.FromWire(op.DeleteRange.Range)) is { } badRange)
                        return new KvRuleViolation(field + ".prefix", badRange.Replace("field '", $"field '{field}.", StringComparison.Ordinal));
                    break;
                case TxnOp.OpOneofCase.Get:
                    if (limits.CheckKey(op.Get.Key, field + ".key") is { } badGet) return new KvRuleViolation(field + ".key", badGet);
                    break;
                default:
                    return new KvRuleViolation(field + ".op", $"field '{field}.op' must be 'put', 'delete' or 'get'");
            }
        }
        return null;
    }

    private static KvRuleViolation TooMany(string field, int count) =>
        new(field, $"field '{field}' has {count} items; the limit is {KvLimits.MaxTxnOps}", TooLarge: true);
}
