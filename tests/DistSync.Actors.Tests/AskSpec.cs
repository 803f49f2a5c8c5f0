using DistSync.Actors;

namespace DistSync.Actors.Tests;

public sealed class AskSpec : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("ask-spec", logger: TestLogging.Quiet("ask-spec"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task An_ask_completes_with_the_reply()
    {
        var echo = _system.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var reply = await echo.Ask<string>("hello", TimeSpan.FromSeconds(10));
        Assert.Equal("hello", reply);
    }

    [Fact]
    public async Task An_ask_without_reply_times_out_naming_target_message_type_and_timeout()
    {
        var silent = _system.ActorOf(Props.Create(() => new SilentActor()), "silent");
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>(42, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("/user/silent", ex.Message);
        Assert.Contains("System.Int32", ex.Message);
        Assert.Contains("100 ms", ex.Message);
    }

    [Fact]
    public async Task A_failure_status_reply_faults_the_ask_with_its_cause()
    {
        var echo = _system.ActorOf(Props.Create(() => new EchoActor()));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => echo.Ask<string>(new Status.Failure(new InvalidOperationException("boom")), TimeSpan.FromSeconds(10)));
        Assert.Equal("boom", ex.Message);
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_faults_the_ask_with_a_clear_cast_error()
    {
        var echo = _system.ActorOf(Props.Create(() => new EchoActor()));
        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<int>("text", TimeSpan.FromSeconds(10)));
        Assert.Contains("Int32", ex.Message);
        Assert.Contains("String", ex.Message);
    }

    [Fact]
    public async Task A_cancelled_ask_is_cancelled()
    {
        var silent = _system.ActorOf(Props.Create(() => new SilentActor()));
        using var cts = new CancellationTokenSource();
        var task = silent.Ask<string>("x", TimeSpan.FromSeconds(30), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task The_temporary_path_of_an_ask_resolves_while_it_waits()
    {
        var forwarder = _system.ActorOf(Props.Create(() => new PathReplier()));
        var reply = await forwarder.Ask<string>("which", TimeSpan.FromSeconds(10));
        Assert.Equal("resolved", reply);
    }

    [Fact]
    public async Task PipeTo_sends_a_result_or_a_failure_status()
    {
        var target = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new SinkRef(target);
        await Task.FromResult(41).PipeTo(sink, success: v => v + 1);
        Assert.Equal(42, await target.Task);

        var failureTarget = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.FromException<int>(new InvalidOperationException("nope")).PipeTo(new SinkRef(failureTarget));
        var failure = Assert.IsType<Status.Failure>(await failureTarget.Task);
        Assert.Equal("nope", failure.Cause.Message);
    }

    /// <summary>An IActorRef that hands the first message to a task (enough to observe PipeTo).</summary>
    private sealed class SinkRef(TaskCompletionSource<object> target) : IActorRef
    {
        public ActorPath Path { get; } = ActorPath.Parse("dsync://test/user/sink");

        public void Tell(object message, IActorRef? sender = null) => target.TrySetResult(message);
    }

    private sealed class SilentActor : ReceiveActor
    {
        public SilentActor()
        {
            ReceiveAny(_ => { });
        }
    }

    /// <summary>Replies through the path of the temporary sender, as a remote node would.</summary>
    private sealed class PathReplier : ReceiveActor
    {
        public PathReplier()
        {
            Receive<string>(_ =>
            {
                var path = Sender.Path;
                Assert.Equal("temp", path.Elements[0]);
                var resolved = Context.System.TryResolveActorRef(path);
                resolved!.Tell("resolved");
            });
        }
    }
}
