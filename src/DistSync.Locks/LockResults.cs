using DistSync.Locks.Wire;
using Google.Protobuf;

namespace DistSync.Locks;

/// <summary>
/// Encodes a <see cref="LockCommandResult"/> as the <see cref="LockResult"/> bytes a Raft apply returns (so a forwarded
/// proposal's answer crosses nodes) and decodes them back, losslessly.
/// </summary>
public static class LockResults
{
    public static byte[] Encode(LockCommandResult result) => ToWire(result).ToByteArray();

    public static LockResult ToWire(LockCommandResult result) => result switch
    {
        SessionCreated c => new LockResult { SessionCreated = new SessionCreatedResult { SessionId = c.SessionId, TtlMs = c.TtlMs, ExpiresAtMs = c.ExpiresAtMs } },
        SessionKeptAlive k => new LockResult { SessionKeptAlive = new SessionKeptAliveResult { SessionId = k.SessionId, ExpiresInMs = k.ExpiresInMs } },
        SessionDeleted d => new LockResult { SessionDeleted = new SessionDeletedResult { SessionId = d.SessionId } },
        LockGranted g => new LockResult { Granted = new LockGrantedResult { Resource = g.Resource, Mode = LockCommands.ToWire(g.Mode), FencingToken = g.FencingToken } },
        LockQueued q => new LockResult { Queued = new LockQueuedResult { RequestId = q.RequestId } },
        LockReleased r => new LockResult { Released = new LockReleasedResult { Resource = r.Resource } },
        WaitCancelled w => new LockResult { WaitCancelled = new WaitCancelledResult { RequestId = w.RequestId, WasWaiting = w.WasWaiting } },
        ExpiryApplied e => new LockResult { ExpiryApplied = new ExpiryAppliedResult { SessionsExpired = e.SessionsExpired, WaitsTimedOut = e.WaitsTimedOut } },
        CommandFailed f => new LockResult { Failed = new CommandFailedResult { Reason = ToWire(f.Reason), Detail = f.Detail, Released = { f.Released } } },
        _ => throw new ArgumentException($"Unknown lock result type {result.GetType().Name}.", nameof(result)),
    };

    /// <exception cref="InvalidDataException">The bytes are not a lock result.</exception>
    public static LockCommandResult Decode(ReadOnlySpan<byte> bytes)
    {
        LockResult wire;
        try
        {
            wire = LockResult.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The lock result is not valid Protobuf: " + e.Message, e);
        }

        return wire.ResultCase switch
        {
            LockResult.ResultOneofCase.SessionCreated => new SessionCreated(wire.SessionCreated.SessionId, wire.SessionCreated.TtlMs, wire.SessionCreated.ExpiresAtMs),
            LockResult.ResultOneofCase.SessionKeptAlive => new SessionKeptAlive(wire.SessionKeptAlive.SessionId, wire.SessionKeptAlive.ExpiresInMs),
            LockResult.ResultOneofCase.SessionDeleted => new SessionDeleted(wire.SessionDeleted.SessionId),
            LockResult.ResultOneofCase.Granted => new LockGranted(wire.Granted.Resource, LockTable.FromWire(wire.Granted.Mode), wire.Granted.FencingToken),
            LockResult.ResultOneofCase.Queued => new LockQueued(wire.Queued.RequestId),
            LockResult.ResultOneofCase.Released => new LockReleased(wire.Released.Resource),
            LockResult.ResultOneofCase.WaitCancelled => new WaitCancelled(wire.WaitCancelled.RequestId, wire.WaitCancelled.WasWaiting),
            LockResult.ResultOneofCase.ExpiryApplied => new ExpiryApplied(wire.ExpiryApplied.SessionsExpired, wire.ExpiryApplied.WaitsTimedOut),
            LockResult.ResultOneofCase.Failed => new CommandFailed(FromWire(wire.Failed.Reason), wire.Failed.Detail) { Released = [.. wire.Failed.Released] },
            _ => throw new InvalidDataException("The lock result carries no result."),
        };
    }

    private static FailureReason ToWire(LockFailureReason reason) => reason switch
    {
        LockFailureReason.Timeout => FailureReason.Timeout,
        LockFailureReason.Deadlock => FailureReason.Deadlock,
        LockFailureReason.Conflict => FailureReason.Conflict,
        LockFailureReason.UnknownSession => FailureReason.UnknownSession,
        LockFailureReason.NotHeld => FailureReason.NotHeld,
        _ => FailureReason.Invalid,
    };

    private static LockFailureReason FromWire(FailureReason reason) => reason switch
    {
        FailureReason.Timeout => LockFailureReason.Timeout,
        FailureReason.Deadlock => LockFailureReason.Deadlock,
        FailureReason.Conflict => LockFailureReason.Conflict,
        FailureReason.UnknownSession => LockFailureReason.UnknownSession,
        FailureReason.NotHeld => LockFailureReason.NotHeld,
        FailureReason.Invalid => LockFailureReason.Invalid,
        _ => throw new InvalidDataException($"Lock failure reason {reason} is unknown."),
    };
}
