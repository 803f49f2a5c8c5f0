namespace DistSync.Actors.Tests;

/// <summary>Small actors shared by the specs.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor()
    {
        ReceiveAny(m => Sender.Tell(m, Self));
    }
}

/// <summary>Counts "inc", answers "get" with the count, throws on "fail"; reports lifecycle to a probe.</summary>
internal sealed class CounterActor : ReceiveActor
{
    private readonly IActorRef _reporter;
    private int _count;

    public CounterActor(IActorRef reporter)
    {
        _reporter = reporter;
        Receive<string>(_ => _count++, s => s == "inc");
        Receive<string>(_ => Sender.Tell(_count, Self), s => s == "get");
        Receive<string>(_ => throw new InvalidOperationException("fail requested"), s => s == "fail");
        Receive<string>(_ => throw new ArgumentException("bad argument requested"), s => s == "fail-arg");
    }

    protected override void PreStart() => _reporter.Tell("started:" + Self.Path.Name);

    protected override void PostStop() => _reporter.Tell("stopped:" + Self.Path.Name);

    protected override void PostRestart(Exception reason)
    {
        _reporter.Tell("restarted:" + Self.Path.Name);
        base.PostRestart(reason);
    }
}

/// <summary>Creates a child from given props on request and applies a fixed directive to failing children.</summary>
internal sealed class SupervisorActor : ReceiveActor
{
    private readonly Func<Exception, Directive> _decider;
    private readonly int _maxRetries;
    private readonly TimeSpan _window;

    public SupervisorActor(Func<Exception, Directive> decider, int maxRetries = -1, TimeSpan? window = null)
    {
        _decider = decider;
        _maxRetries = maxRetries;
        _window = window ?? Timeout.InfiniteTimeSpan;
        Receive<CreateChild>(c => Sender.Tell(Context.ActorOf(c.Props, c.Name), Self));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_maxRetries, _window, _decider);
}

internal sealed record CreateChild(Props Props, string? Name = null);
