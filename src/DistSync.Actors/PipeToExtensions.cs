namespace DistSync.Actors;

/// <summary>Sends a task's outcome to an actor as a message, instead of awaiting inside a handler.</summary>
public static class PipeToExtensions
{
    /// <summary>On success tells the result (or <paramref name="success"/>'s mapping); on failure
    /// <see cref="Status.Failure"/> (or <paramref name="failure"/>'s mapping).</summary>
    public static Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null,
        Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    var value = success is null ? t.Result : success(t.Result);
                    recipient.Tell(value ?? new Status.Success(null), sender);
                }
                else
                {
                    Exception cause = t.IsCanceled
                        ? new TaskCanceledException(t)
                        : t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception;
                    recipient.Tell(failure is null ? new Status.Failure(cause) : failure(cause), sender);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
