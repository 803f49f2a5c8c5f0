namespace DistSync.Raft;

/// <summary>What a state machine should do with a command, according to <see cref="SessionTable{TResult}"/>.</summary>
public enum SessionCheck
{
    /// <summary>First time this sequence number is seen: apply it, then <see cref="SessionTable{TResult}.Record"/> the result.</summary>
    New = 0,
    /// <summary>A retry of the last applied command: do not apply again, answer with the cached result.</summary>
    Duplicate = 1,
    /// <summary>Older than the last applied command (the client has moved on): ignore it.</summary>
    Stale = 2,
    /// <summary>The session is not open (never opened, or expired): reject the command.</summary>
    UnknownSession = 3,
}
