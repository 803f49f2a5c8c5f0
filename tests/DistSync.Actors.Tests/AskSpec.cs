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

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor()
        {
            ReceiveAny(m => Sender.Tell(m is Status.Failure ? m : m, Self));
        }
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
