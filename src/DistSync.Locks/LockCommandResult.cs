namespace DistSync.Locks;

/// <summary>
/// The immediate answer to one applied command, for the client whose request proposed it. Subtypes:
/// <see cref="SessionCreated"/>, <see cref="SessionKeptAlive"/>, <see cref="SessionDeleted"/>, <see cref="LockGranted"/>,
/// <see cref="LockQueued"/>, <see cref="LockReleased"/>, <see cref="WaitCancelled"/>, <see cref="ExpiryApplied"/> and
/// <see cref="CommandFailed"/>.
/// </summary>
public abstract record LockCommandResult;
