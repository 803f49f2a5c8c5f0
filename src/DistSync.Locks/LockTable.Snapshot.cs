using DistSync.Locks.Wire;

namespace DistSync.Locks;

// The lock table's part of the state machine snapshot (kept apart so LockTable.cs stays readable): written sorted,
// so equal states give equal bytes.
public sealed partial class LockTable
{
    internal void ExportTo(LockSnapshot snapshot)
    {
        var names = new List<string>(_resources.Keys);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var res = _resources[name];
            var record = new ResourceRecord { Resource = name, LastToken = res.LastToken };
            foreach (var hold in res.Holders.Values)
            {
                record.Holders.Add(new HoldRecord
                {
                    SessionId = hold.SessionId,
                    Mode = LockCommands.ToWire(hold.Mode),
                    FencingToken = hold.FencingToken,
                    SinceMs = hold.SinceMs,
                    TxnId = hold.TxnId,
                });
            }

            foreach (var w in res.Queue)
            {
                record.Waiters.Add(new WaitRecord
                {
                    RequestId = w.RequestId,
                    SessionId = w.SessionId,
                    Mode = LockCommands.ToWire(w.Mode),
                    TxnId = w.TxnId,
                    DeadlineMs = w.DeadlineMs,
                    EnqueuedMs = w.EnqueuedMs,
                });
            }

            snapshot.Resources.Add(record);
        }

        var txns = new List<string>(_txns.Keys);
        txns.Sort(StringComparer.Ordinal);
        foreach (var txn in txns)
        {
            snapshot.Txns.Add(new TxnRecord { TxnId = txn, FirstIndex = _txns[txn].FirstIndex });
        }

        snapshot.DeadlocksDetected = DeadlocksDetected;
    }

    /// <exception cref="InvalidDataException">The snapshot is inconsistent.</exception>
    internal void LoadFrom(LockSnapshot snapshot)
    {
        Clear();
        DeadlocksDetected = snapshot.DeadlocksDetected;
        foreach (var t in snapshot.Txns)
        {
            if (!_txns.TryAdd(t.TxnId, new TxnState(t.FirstIndex)))
            {
                throw new InvalidDataException($"Snapshot lists transaction \"{t.TxnId}\" twice.");
            }
        }

        foreach (var r in snapshot.Resources)
        {
            var res = new ResourceLock(r.Resource) { LastToken = r.LastToken };
            if (r.Holders.Count > 0) HeldResourceCount++;
            if (!_resources.TryAdd(r.Resource, res))
            {
                throw new InvalidDataException($"Snapshot lists resource \"{r.Resource}\" twice.");
            }

            foreach (var h in r.Holders)
            {
                var mode = FromWire(h.Mode);
                if (res.Holders.ContainsKey(h.SessionId))
                {
                    throw new InvalidDataException($"Snapshot lists holder {h.SessionId} of \"{r.Resource}\" twice.");
                }

                res.Holders.Add(h.SessionId, new LockHold(h.SessionId, mode, h.FencingToken, h.SinceMs, h.TxnId));
                res.ExclusiveHolders += mode == LockMode.Exclusive ? 1 : 0;
                IndexHold(r.Resource, h.SessionId, h.TxnId);
            }

            foreach (var w in r.Waiters)
            {
                var waiter = new LockWaiter(w.RequestId, w.SessionId, r.Resource, FromWire(w.Mode), w.TxnId, w.DeadlineMs, w.EnqueuedMs);
                if (!_waits.TryAdd(waiter.RequestId, waiter))
                {
                    throw new InvalidDataException($"Snapshot lists wait {w.RequestId} twice.");
                }

                res.Queue.Add(waiter);
                IndexWait(waiter);
            }

            Graph.SetResourceEdges(r.Resource, ComputeEdges(res));
        }

        foreach (var (txn, state) in _txns)
        {
            if (state.IsEmpty)
            {
                throw new InvalidDataException($"Snapshot lists transaction \"{txn}\", which holds and waits for nothing.");
            }
        }
    }
}
