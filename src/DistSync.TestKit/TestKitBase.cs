using DistSync.Actors;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace DistSync.TestKit;

/// <summary>
/// One actor system per test plus a default <see cref="TestProbe"/> (<see cref="TestActor"/>) whose
/// expectations are exposed directly (ExpectMsg, ExpectNoMsg, FishForMessage, Within, AwaitAssert...).
/// Framework-neutral; <see cref="ActorTestKit"/> is the xunit-ready subclass.
/// </summary>
public abstract class TestKitBase
{
    /// <summary>Environment variable for the log level of test systems (default Warning).</summary>
    public const string LogLevelVariable = "DSYNC_TEST_LOGLEVEL";

    private static int s_systemCounter;
    private int _shutdown;

    protected TestKitBase(ActorSystem system)
    {
        Sys = system ?? throw new ArgumentNullException(nameof(system));
        DefaultProbe = new TestProbe(Sys, "testActor");
    }

    protected TestKitBase(IConfiguration? configuration = null, string? systemName = null)
        : this(CreateSystem(configuration, systemName))
    {
    }

    public ActorSystem Sys { get; }

    /// <summary>The default probe (Akka's testActor).</summary>
    public TestProbe DefaultProbe { get; }

    /// <summary>The default probe's ref: use it as a sender to collect replies.</summary>
    public IActorRef TestActor => DefaultProbe.Ref;

    public IActorRef LastSender => DefaultProbe.LastSender;

    public TestProbe CreateTestProbe(string? name = null) => new(Sys, name);

    public T ExpectMsg<T>(TimeSpan? timeout = null) => DefaultProbe.ExpectMsg<T>(timeout);

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? timeout = null, string? hint = null) =>
        DefaultProbe.ExpectMsg(predicate, timeout, hint);

    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) => DefaultProbe.ExpectMsg(expected, timeout);

    public Task<T> ExpectMsgAsync<T>(Predicate<T>? predicate = null, TimeSpan? timeout = null) =>
        DefaultProbe.ExpectMsgAsync(predicate, timeout);

    public void ExpectNoMsg(TimeSpan duration) => DefaultProbe.ExpectNoMsg(duration);

    public T FishForMessage<T>(Predicate<T> isTarget, TimeSpan? max = null) => DefaultProbe.FishForMessage(isTarget, max);

    public ReceivedMessage ReceiveOne(TimeSpan? timeout = null) => DefaultProbe.ReceiveOne(timeout);

    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? max = null) => DefaultProbe.ReceiveN(count, max);

    public void Within(TimeSpan max, Action action) => DefaultProbe.Within(max, action);

    public T Within<T>(TimeSpan max, Func<T> action) => DefaultProbe.Within(max, action);

    public void AwaitAssert(Action assertion, TimeSpan? max = null, TimeSpan? interval = null) =>
        DefaultProbe.AwaitAssert(assertion, max, interval);

    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null) =>
        DefaultProbe.AwaitCondition(condition, max, interval, message);

    public void Reply(object message) => DefaultProbe.Reply(message);

    public IActorRef Watch(IActorRef target) => DefaultProbe.Watch(target);

    public IActorRef Unwatch(IActorRef target) => DefaultProbe.Unwatch(target);

    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) => DefaultProbe.ExpectTerminated(target, timeout);

    public static TimeSpan Dilated(TimeSpan duration) => TestKitSettings.Dilated(duration);

    /// <summary>Terminates the system and waits for it (30 s dilated); fails if it does not stop in time.</summary>
    public void Shutdown(TimeSpan? timeout = null)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return;
        }

        var wait = TestKitSettings.Dilated(timeout ?? TimeSpan.FromSeconds(30));
        if (!Sys.Terminate().Wait(wait))
        {
            throw new TestKitAssertionException($"Actor system {Sys.Name} did not terminate within {wait.TotalSeconds:0} s.");
        }
    }

    private static ActorSystem CreateSystem(IConfiguration? configuration, string? systemName)
    {
        var name = systemName ?? $"test-{Interlocked.Increment(ref s_systemCounter)}";
        return ActorSystem.Create(name, configuration, CreateTestLogger(name));
    }

    private static ILogger CreateTestLogger(string nodeId)
    {
        var raw = Environment.GetEnvironmentVariable(LogLevelVariable);
        var level = string.IsNullOrWhiteSpace(raw) ? LogEventLevel.Warning : DistSyncLogging.ParseLevel(raw);
        return DistSyncLogging.CreateLogger(nodeId, LogFormat.Console, level);
    }
}
