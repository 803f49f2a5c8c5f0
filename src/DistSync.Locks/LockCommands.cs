using DistSync.Locks.Wire;

namespace DistSync.Locks;

/// <summary>Builds the <see cref="LockCommand"/> entry payloads the host proposes.</summary>
public static class LockCommands
{
    public static LockCommand CreateSession(long ttlMs, string clientId = "") =>
        new() { CreateSession = new Wire.CreateSession { TtlMs = ttlMs, ClientId = clientId ?? "" } };

    public static LockCommand KeepAlive(string sessionId) =>
        new() { KeepAlive = new Wire.KeepAlive { SessionId = sessionId ?? "" } };

    public static LockCommand DeleteSession(string sessionId) =>
        new() { DeleteSession = new Wire.DeleteSession { SessionId = sessionId ?? "" } };

    public static LockCommand Acquire(string resource, string sessionId, LockMode mode, long waitMs = 0, string txnId = "", string waitToken = "") =>
        new()
        {
            Acquire = new Wire.Acquire
            {
                Resource = resource ?? "",
                SessionId = sessionId ?? "",
                Mode = ToWire(mode),
                WaitMs = waitMs,
                TxnId = txnId ?? "",
                WaitToken = waitToken ?? "",
            },
        };

    public static LockCommand Release(string resource, string sessionId) =>
        new() { Release = new Wire.Release { Resource = resource ?? "", SessionId = sessionId ?? "" } };

    public static LockCommand CancelWait(string resource, string sessionId, long requestId) =>
        new() { CancelWait = new Wire.CancelWait { Resource = resource ?? "", SessionId = sessionId ?? "", RequestId = requestId } };

    public static LockCommand Expire() => new() { Expire = new Wire.Expire() };

    public static AcquireMode ToWire(LockMode mode) => mode == LockMode.Shared ? AcquireMode.Shared : AcquireMode.Exclusive;
}
