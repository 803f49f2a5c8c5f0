namespace DistSync.Actors;

/// <summary>
/// Keyed timers that send messages to the actor itself. Starting a key again replaces its timer; all timers
/// are cancelled when the actor stops or restarts; a message of a cancelled or replaced timer is never delivered.
/// Use only from within the actor's turn.
/// </summary>
public interface ITimerScheduler
{
    void StartSingleTimer(object key, object message, TimeSpan delay);

    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>First tick after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    bool IsTimerActive(object key);

    void Cancel(object key);

    void CancelAll();
}
