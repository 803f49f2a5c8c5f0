namespace DistSync.Actors;

/// <summary>
/// Applies the directive only to the child that failed. <c>maxNrOfRetries</c> restarts are allowed within
/// <c>withinTimeRange</c> (a negative count means unlimited; <see cref="Timeout.InfiniteTimeSpan"/> means no
/// window); one restart more stops the child.
/// </summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    private readonly Func<Exception, Directive> _decider;

    public OneForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
    {
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        _decider = decider ?? throw new ArgumentNullException(nameof(decider));
    }

    /// <summary>Unlimited restarts.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : this(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    public int MaxNrOfRetries { get; }

    public TimeSpan WithinTimeRange { get; }

    public override Directive Decide(Exception cause) => _decider(cause);

    internal override Directive Handle(Exception cause, ChildRestartStats stats)
    {
        var directive = Decide(cause);
        if (directive == Directive.Restart && !stats.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange))
        {
            return Directive.Stop;
        }

        return directive;
    }
}
