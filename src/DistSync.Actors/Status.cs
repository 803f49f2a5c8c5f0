namespace DistSync.Actors;

/// <summary>Outcome messages for piped tasks and Ask replies (as in Akka): a <see cref="Failure"/> reply fails the Ask.</summary>
public abstract record Status
{
    private Status()
    {
    }

    public sealed record Success(object? Value) : Status;

    public sealed record Failure(Exception Cause) : Status;
}
