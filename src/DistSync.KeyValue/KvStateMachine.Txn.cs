using DistSync.KeyValue.Wire;

namespace DistSync.KeyValue;

public sealed partial class KvStateMachine
{
    private KvResult ExecuteTxn(long index, Txn txn)
    {
        if (KvTxnRules.Check(txn, Limits) is { } bad) return Invalid(bad.Field, bad.Message);
        // Every session either branch names must be live, so a txn never half-applies on an unknown session.
        if ((FirstDeadSession(txn.Success) ?? FirstDeadSession(txn.Failure)) is { } dead)
            return new KvResult { UnknownSession = new UnknownSession { SessionId = dead } };

        var succeeded = true;
        foreach (var compare in txn.Compare)
        {
            if (Holds(compare)) continue;
            succeeded = false;
            break;
        }
        var result = new TxnResult { Succeeded = succeeded, Version = index };
        foreach (var op in succeeded ? txn.Success : txn.Failure)
        {
            switch (op.OpCase)
            {
                case TxnOp.OpOneofCase.Put:
                    PutCore(index, op.Put.Key, op.Put.Value, op.Put.SessionId);
                    result.Results.Add(new TxnOpResult { Put = new Written { Version = index } });
                    break;
                case TxnOp.OpOneofCase.Delete:
                    var existed = DeleteCore(index, op.Delete.Key);
                    result.Results.Add(new TxnOpResult { Delete = new DeletedRange { Deleted = existed ? 1 : 0, Version = index } });
                    break;
                case TxnOp.OpOneofCase.DeleteRange:
                    var deleted = DeleteRangeCore(index, KvKeyRange.FromWire(op.DeleteRange.Range));
                    result.Results.Add(new TxnOpResult { Delete = new DeletedRange { Deleted = deleted, Version = index } });
                    break;
                case TxnOp.OpOneofCase.Get:
                    var get = new GetResult();
                    if (_data.TryGetValue(op.Get.Key, out var v))
                    {
                        get.Found = true;
                        get.Value = v.Value;
                        get.Version = v.Version;
                        get.CreateVersion = v.CreateVersion;
                        get.SessionId = v.SessionId ?? "";
                    }
                    result.Results.Add(new TxnOpResult { Get = get });
                    break;
            }
        }
        return new KvResult { Txn = result };
    }

    private string? FirstDeadSession(IReadOnlyList<TxnOp> ops)
    {
        foreach (var op in ops)
        {
            if (op.OpCase == TxnOp.OpOneofCase.Put && op.Put.SessionId.Length > 0 && !IsLive(op.Put.SessionId)) return op.Put.SessionId;
        }
        return null;
    }

    private bool Holds(Compare compare)
    {
        var exists = _data.TryGetValue(compare.Key, out var v);
        switch (compare.TargetCase)
        {
            case Compare.TargetOneofCase.Version:
                return Test((exists ? v.Version : 0).CompareTo(compare.Version), compare.Op);
            case Compare.TargetOneofCase.CreateVersion:
                return Test((exists ? v.CreateVersion : 0).CompareTo(compare.CreateVersion), compare.Op);
            case Compare.TargetOneofCase.Value:
                // As in etcd: a value compare on a missing key fails whatever the operator.
                return exists && Test(string.CompareOrdinal(v.Value, compare.Value), compare.Op);
            case Compare.TargetOneofCase.Exists:
                return Test(exists == compare.Exists ? 0 : 1, compare.Op);
            default:
                return false;
        }
    }

    private static bool Test(int comparison, CompareOp op) => op switch
    {
        CompareOp.Equal => comparison == 0,
        CompareOp.NotEqual => comparison != 0,
        CompareOp.Less => comparison < 0,
        CompareOp.Greater => comparison > 0,
        _ => false,
    };
}
