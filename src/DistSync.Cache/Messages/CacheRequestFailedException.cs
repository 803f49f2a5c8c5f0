namespace DistSync.Cache.Messages;

/// <summary>Thrown by <see cref="CacheFront"/> for a <see cref="CacheFailure"/>.</summary>
public sealed class CacheRequestFailedException : Exception
{
    public CacheRequestFailedException(CacheFailure failure) : base(failure.Message)
    {
        Failure = failure;
    }

    public CacheFailure Failure { get; }
}
