using DistSync.Locks.Wire;
using Google.Protobuf;

namespace DistSync.Locks;

/// <summary>
/// The replicated lock service of the meta Raft group: sessions and the lock table, as a deterministic state machine.
/// Pure: no clock, no threads, no IO, no randomness — every input is a committed entry's Raft index, its
/// leader-stamped log time and its <see cref="LockCommand"/>, so replicas applying the same log hold the same state
/// and produce the same results, byte for byte (<see cref="Snapshot"/>). Not thread-safe: one owner applies entries
/// and answers reads.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> The state machine's clock is the largest log time applied so far (a new leader's clock may be
/// behind the old one's; time never goes back here). Before each command, everything due at that time ends, in
/// deadline order: waits time out, sessions expire (ties: waits first). So an <see cref="Expire"/> entry only carries
/// time; any entry ends what is due, and a keepalive at or after its session's expiry finds it gone. The host
/// proposes an Expire when its clock reaches <see cref="NextDeadlineMs"/>.</para>
/// <para><b>Grace after a leader change</b> (as etcd's lessor refreshes every lease when a leader is promoted). While
/// there is no leader no keepalive can commit, so the first entry of a higher term first moves every session's expiry
/// to at least that entry's log time + the session's TTL, before the entry ends anything due: a session then has one
/// full TTL under the new leader to renew. The term comes from the entry (<see cref="LastTerm"/>, in snapshots), so
/// every replica extends at the same entry. A state that has seen no term (new, or restored from a snapshot older than
/// the field) takes the next entry's term without a grace.</para>
/// <para><b>Sessions ending</b> release all their locks and end all their waits in that entry (expiry:
/// <see cref="WaitOutcomeKind.SessionExpired"/>; delete: <see cref="WaitOutcomeKind.Cancelled"/>), granting waiters
/// the freed locks in the same entry, and are reported in <see cref="LockApplyResult.SessionsEnded"/>.</para>
/// <para>Locking rules are on <see cref="LockTable"/>.</para>
/// </remarks>
public sealed class LockServiceStateMachine
{
    private readonly LockServiceOptions _options;

    public LockServiceStateMachine(LockServiceOptions? options = null)
    {
        _options = options ?? LockServiceOptions.Default;
        _options.Validate();
    }

    public SessionRegistry Sessions { get; } = new();

    public LockTable Locks { get; } = new();

    /// <summary>The index of the last applied entry (0 before the first).</summary>
    public long LastAppliedIndex { get; private set; }

    /// <summary>The state machine's clock: the largest log time applied.</summary>
    public long LastLogTimeMs { get; private set; }

    /// <summary>The Raft term of the last applied entry (0 before the first); a higher one starts a session grace.</summary>
    public long LastTerm { get; private set; }

    /// <summary>Deadlocks broken so far.</summary>
    public long DeadlocksDetected => Locks.DeadlocksDetected;

    /// <summary>
    /// The log time at which something is due (a session expiry or a wait deadline), or null when nothing is; the
    /// leader proposes an <see cref="Expire"/> once its clock reaches it.
    /// </summary>
    public long? NextDeadlineMs
    {
        get
        {
            var sessions = Sessions.NextExpiryMs;
            var waits = Locks.NextWaitDeadlineMs;
            return sessions is null ? waits : waits is null ? sessions : Math.Min(sessions.Value, waits.Value);
        }
    }

    /// <summary>Applies one committed entry.</summary>
    /// <param name="index">The entry's Raft index; strictly greater than every index applied before.</param>
    /// <param name="term">The entry's Raft term; never less than <see cref="LastTerm"/> (log terms do not decrease).</param>
    /// <param name="logTimeMs">The leader's clock when it stamped the entry.</param>
    /// <param name="command">The entry's payload.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is not after <see cref="LastAppliedIndex"/> or the term is below <see cref="LastTerm"/> (a host bug: entries applied twice or out of order); nothing changed.</exception>
    public LockApplyResult Apply(long index, long term, long logTimeMs, LockCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (index <= LastAppliedIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Entry {index} is not after the last applied entry {LastAppliedIndex}.");
        }

        if (term < LastTerm)
        {
            throw new ArgumentOutOfRangeException(nameof(term), term, $"Entry {index} has term {term}, below the last applied term {LastTerm}.");
        }

        LastAppliedIndex = index;
        LastLogTimeMs = Math.Max(LastLogTimeMs, logTimeMs);
        var ctx = new ApplyContext(index, LastLogTimeMs);
        if (term > LastTerm && LastTerm > 0)
        {
            // Before anything due ends: the new leader's first entry is often the Expire it proposes at once.
            Sessions.ExtendAll(ctx.NowMs);
        }

        LastTerm = term;
        var ended = new List<SessionEnded>();
        var (sessionsExpired, waitsTimedOut) = EndWhatIsDue(ctx, ended);

        LockCommandResult result = command.CommandCase switch
        {
            LockCommand.CommandOneofCase.CreateSession => CreateSession(ctx, command.CreateSession),
            LockCommand.CommandOneofCase.KeepAlive => KeepAlive(ctx, command.KeepAlive),
            LockCommand.CommandOneofCase.DeleteSession => DeleteSession(ctx, command.DeleteSession, ended),
            LockCommand.CommandOneofCase.Acquire => Acquire(ctx, command.Acquire),
            LockCommand.CommandOneofCase.Release => Release(ctx, command.Release),
            LockCommand.CommandOneofCase.CancelWait => CancelWait(ctx, command.CancelWait),
            LockCommand.CommandOneofCase.Expire => new ExpiryApplied(sessionsExpired, waitsTimedOut),
            _ => Invalid("command", "The entry carries no lock command."),
        };

        return new LockApplyResult(result, ctx.Outcomes, ended);
    }

    /// <summary><c>GET /lock/status/{resource}</c>.</summary>
    public LockStatus Status(string resource) => Locks.Status(resource);

    /// <summary><c>GET /lock/list</c>: held or awaited resources, sorted by name.</summary>
    public IReadOnlyList<LockStatus> List() => Locks.List();

    /// <summary>The whole state as bytes: equal states give equal bytes (every collection sorted).</summary>
    public byte[] Snapshot()
    {
        var snapshot = new LockSnapshot { LastAppliedIndex = LastAppliedIndex, LastLogTimeMs = LastLogTimeMs, LastTerm = LastTerm };
        foreach (var s in Sessions.All())
        {
            snapshot.Sessions.Add(new SessionRecord
            {
                SessionId = s.SessionId,
                ClientId = s.ClientId,
                TtlMs = s.TtlMs,
                ExpiresAtMs = s.ExpiresAtMs,
                CreatedIndex = s.CreatedIndex,
            });
        }

        Locks.ExportTo(snapshot);
        return snapshot.ToByteArray();
    }

    /// <summary>Replaces the whole state with a <see cref="Snapshot"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a consistent lock service snapshot; the state is then empty.</exception>
    public void Restore(ReadOnlySpan<byte> snapshotBytes)
    {
        LockSnapshot snapshot;
        try
        {
            snapshot = LockSnapshot.Parser.ParseFrom(snapshotBytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The lock service snapshot is not valid Protobuf: " + e.Message, e);
        }

        try
        {
            Sessions.Clear();
            foreach (var s in snapshot.Sessions)
            {
                Sessions.Load(new SessionInfo(s.SessionId, s.ClientId, s.TtlMs, s.ExpiresAtMs, s.CreatedIndex));
            }

            Locks.LoadFrom(snapshot);
            foreach (var r in snapshot.Resources)
            {
                foreach (var sessionId in r.Holders.Select(h => h.SessionId).Concat(r.Waiters.Select(w => w.SessionId)))
                {
                    if (Sessions.Find(sessionId) is null)
                    {
                        throw new InvalidDataException($"Snapshot has \"{r.Resource}\" held or awaited by session {sessionId}, which it does not list.");
                    }
                }
            }

            if (snapshot.LastTerm < 0)
            {
                throw new InvalidDataException($"Snapshot has a negative last term ({snapshot.LastTerm}).");
            }

            LastAppliedIndex = snapshot.LastAppliedIndex;
            LastLogTimeMs = snapshot.LastLogTimeMs;
            LastTerm = snapshot.LastTerm;
        }
        catch
        {
            Sessions.Clear();
            Locks.Clear();
            LastAppliedIndex = 0;
            LastLogTimeMs = 0;
            LastTerm = 0;
            throw;
        }
    }

    private (int SessionsExpired, int WaitsTimedOut) EndWhatIsDue(ApplyContext ctx, List<SessionEnded> ended)
    {
        var sessionsExpired = 0;
        var waitsTimedOut = 0;
        while (true)
        {
            var wait = Locks.PeekDueWait(ctx.NowMs);
            var session = Sessions.PeekDue(ctx.NowMs);
            if (wait is { } w && (session is null || w.DeadlineMs <= session.ExpiresAtMs))
            {
                Locks.TimeOut(ctx, w.RequestId);
                waitsTimedOut++;
            }
            else if (session is not null)
            {
                Sessions.Remove(session.SessionId);
                Locks.EndSession(ctx, session.SessionId, WaitOutcomeKind.SessionExpired);
                ended.Add(new SessionEnded(session.SessionId, SessionEndReason.Expired));
                sessionsExpired++;
            }
            else
            {
                return (sessionsExpired, waitsTimedOut);
            }
        }
    }

    private LockCommandResult CreateSession(ApplyContext ctx, CreateSession command)
    {
        if (command.TtlMs < _options.MinSessionTtlMs || command.TtlMs > _options.MaxSessionTtlMs)
        {
            return Invalid("ttlMs", $"ttlMs must be between {_options.MinSessionTtlMs} and {_options.MaxSessionTtlMs}, was {command.TtlMs}.");
        }

        if (command.ClientId.Length > _options.MaxIdLength)
        {
            return Invalid("clientId", $"clientId is longer than {_options.MaxIdLength} characters.");
        }

        var session = Sessions.Create(ctx.Index, ctx.NowMs, command.TtlMs, command.ClientId);
        return new SessionCreated(session.SessionId, session.TtlMs, session.ExpiresAtMs);
    }

    private LockCommandResult KeepAlive(ApplyContext ctx, KeepAlive command)
    {
        var session = Sessions.KeepAlive(command.SessionId, ctx.NowMs);
        return session is null
            ? UnknownSession(command.SessionId)
            : new SessionKeptAlive(session.SessionId, session.ExpiresAtMs - ctx.NowMs);
    }

    private LockCommandResult DeleteSession(ApplyContext ctx, DeleteSession command, List<SessionEnded> ended)
    {
        if (!Sessions.Remove(command.SessionId))
        {
            return UnknownSession(command.SessionId);
        }

        Locks.EndSession(ctx, command.SessionId, WaitOutcomeKind.Cancelled);
        ended.Add(new SessionEnded(command.SessionId, SessionEndReason.Deleted));
        return new SessionDeleted(command.SessionId);
    }

    private LockCommandResult Acquire(ApplyContext ctx, Acquire command)
    {
        if (ValidateResource(command.Resource) is { } badResource)
        {
            return badResource;
        }

        if (command.Mode is not (AcquireMode.Shared or AcquireMode.Exclusive))
        {
            return Invalid("mode", "mode must be \"shared\" or \"exclusive\".");
        }

        if (command.WaitMs < 0 || command.WaitMs > _options.MaxWaitMs)
        {
            return Invalid("waitMs", $"waitMs must be between 0 and {_options.MaxWaitMs}, was {command.WaitMs}.");
        }

        if (command.TxnId.Length > _options.MaxIdLength)
        {
            return Invalid("txnId", $"txnId is longer than {_options.MaxIdLength} characters.");
        }

        if (Sessions.Find(command.SessionId) is null)
        {
            return UnknownSession(command.SessionId);
        }

        var txnId = command.TxnId.Length == 0 ? command.SessionId : command.TxnId;
        return Locks.Acquire(ctx, command.Resource, command.SessionId, LockTable.FromWire(command.Mode), command.WaitMs, txnId);
    }

    private LockCommandResult Release(ApplyContext ctx, Release command)
    {
        if (ValidateResource(command.Resource) is { } badResource)
        {
            return badResource;
        }

        return Sessions.Find(command.SessionId) is null
            ? UnknownSession(command.SessionId)
            : Locks.Release(ctx, command.Resource, command.SessionId);
    }

    private LockCommandResult CancelWait(ApplyContext ctx, CancelWait command) =>
        new WaitCancelled(command.RequestId, Locks.CancelWait(ctx, command.Resource, command.SessionId, command.RequestId));

    private CommandFailed? ValidateResource(string resource)
    {
        if (resource.Length == 0)
        {
            return Invalid("resource", "resource must not be empty.");
        }

        if (resource.Length > _options.MaxResourceLength)
        {
            return Invalid("resource", $"resource is longer than {_options.MaxResourceLength} characters.");
        }

        foreach (var c in resource)
        {
            if (char.IsControl(c))
            {
                return Invalid("resource", "resource must not contain control characters.");
            }
        }

        return null;
    }

    private static CommandFailed Invalid(string field, string detail) => new(LockFailureReason.Invalid, $"{field}: {detail}");

    private static CommandFailed UnknownSession(string sessionId) =>
        new(LockFailureReason.UnknownSession, $"Session \"{sessionId}\" does not exist or has expired.");
}
