using System.Diagnostics;

namespace DistSync.Actors;

/// <summary>
/// Decides what happens to a child that failed. Only one-for-one is provided (<see cref="OneForOneStrategy"/>).
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Akka's default decider: initialisation failures, <see cref="Kill"/> and death pacts stop the child;
    /// any other exception restarts it.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>Restart up to 10 times within 1 minute, then stop (used when config gives nothing else).</summary>
    public static readonly SupervisorStrategy DefaultStrategy = new OneForOneStrategy(10, TimeSpan.FromMinutes(1), DefaultDecider);

    /// <summary>Stops every failing child.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(static _ => Directive.Stop);

    /// <summary>The directive for this exception, before retry limits are applied.</summary>
    public abstract Directive Decide(Exception cause);

    /// <summary>Applies the decider and, for restarts, the retry limit; returns what the supervisor does.</summary>
    internal abstract Directive Handle(Exception cause, ChildRestartStats stats);
}

/// <summary>Restart bookkeeping of one child, touched only by its parent's turn.</summary>
internal sealed class ChildRestartStats
{
    public int RestartCount;
    public long WindowStart;

    /// <summary>Counts one restart; false when the limit within the window is exceeded.</summary>
    public bool RequestRestartPermission(int maxNrOfRetries, TimeSpan withinTimeRange)
    {
        if (maxNrOfRetries < 0)
        {
            return true;
        }

        if (maxNrOfRetries == 0)
        {
            return false;
        }

        var windowed = withinTimeRange > TimeSpan.Zero && withinTimeRange != Timeout.InfiniteTimeSpan;
        if (!windowed)
        {
            RestartCount++;
            return RestartCount <= maxNrOfRetries;
        }

        var now = Stopwatch.GetTimestamp();
        if (RestartCount == 0 || Stopwatch.GetElapsedTime(WindowStart, now) > withinTimeRange)
        {
            WindowStart = now;
            RestartCount = 1;
            return true;
        }

        RestartCount++;
        return RestartCount <= maxNrOfRetries;
    }
}
