using DistSync.Actors.Remote;
using DistSync.Actors.Remote.Faults;
using DistSync.TestKit;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Actors of two systems over real loopback TCP: Tell, replies to remote senders, Ask, selection, death watch.</summary>
public sealed class RemoteMessagingSpec : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private readonly FaultInjector _faults = new(seed: 3);
    private RemoteNode _a = null!;
    private RemoteNode _b = null!;

    public async Task InitializeAsync()
    {
        _a = await RemoteNode.StartAsync("alpha", _faults);
        _b = await RemoteNode.StartAsync("beta", _faults);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public void The_system_address_carries_host_and_bound_port()
    {
        Assert.Equal("127.0.0.1", _a.System.Address.Host);
        Assert.Equal(_a.Address, _a.System.Address);
        Assert.NotEqual(0, _a.System.Address.Port);
        Assert.Same(_a.Remoting, _a.System.Remoting());
    }

    [Fact]
    public void A_system_without_remoting_says_so()
    {
        var local = ActorSystem.Create("plain", logger: new CapturingLogSink().CreateLogger());

        var error = Assert.Throws<InvalidOperationException>(() => local.Remoting());
        Assert.Contains("plain", error.Message);
        Assert.Null(local.TryResolveActorRef($"{_b.Address}/user/echo"));
        _ = local.Terminate();
    }

    [Fact]
    public async Task A_remote_ask_round_trips_through_the_remote_senders_reply()
    {
        _b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var echo = _a.RefTo(_b, "echo");

        Assert.IsType<RemoteActorRef>(echo);
        var reply = await echo.Ask<StringValue>(new StringValue { Value = "hi" }, Generous);

        Assert.Equal("echo:hi", reply.Value);
    }

    [Fact]
    public async Task Many_concurrent_asks_each_get_their_own_answer()
    {
        _b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var echo = _a.RefTo(_b, "echo");

        var asks = Enumerable.Range(0, 500).Select(i => echo.Ask<Int64Value>(new Int64Value { Value = i }, Generous)).ToArray();
        var replies = await Task.WhenAll(asks);

        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal(i + 1, replies[i].Value);
        }
    }

    [Fact]
    public async Task A_selection_by_full_path_delivers_and_the_reply_reaches_a_local_probe()
    {
        _b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var probe = new TestProbe(_a.System);

        _a.System.ActorSelection($"{_b.Address}/user/echo").Tell(new StringValue { Value = "sel" }, probe.Ref);

        var reply = await probe.ExpectMsgAsync<StringValue>(timeout: Generous);
        Assert.Equal("echo:sel", reply.Value);
        Assert.Equal($"{_b.Address}/user/echo", probe.LastSender.Path.ToString());
    }

    [Fact]
    public async Task A_message_of_an_unregistered_type_is_refused_with_one_error_and_dead_lettered()
    {
        var echo = _a.RefTo(_b, "echo");
        var deadLetters = new TestProbe(_a.System);
        _a.System.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));

        echo.Tell("a plain string is not a protobuf message");
        echo.Tell("neither is this one");

        var letter = await deadLetters.ExpectMsgAsync<DeadLetter>(timeout: Generous);
        Assert.Equal("a plain string is not a protobuf message", letter.Message);
        await AwaitCondition.UntilAsync(() => _a.Remoting.Metrics.UnserializableDrops == 2, "both counted");
        Assert.Equal(1, _a.Log.CountErrorsContaining("MessageTypeRegistry"));
    }

    [Fact]
    public async Task A_message_to_a_missing_remote_actor_is_counted_as_undeliverable_there()
    {
        var ghost = _a.RefTo(_b, "nobody-here");

        ghost.Tell(new StringValue { Value = "lost" });

        await AwaitCondition.UntilAsync(() => _b.Remoting.Metrics.Undeliverable == 1, "undeliverable counted on beta");
        Assert.True(_b.System.DeadLetterCount >= 1);
    }

    [Fact]
    public async Task Watching_a_remote_actor_yields_Terminated_when_it_stops()
    {
        var echo = _b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var remoteEcho = _a.RefTo(_b, "echo");
        var watcher = new TestProbe(_a.System);
        watcher.Watch(remoteEcho);
        // Either the watch reaches beta before the stop, or beta answers a watch of a dead actor with Terminated too.
        await remoteEcho.Ask<StringValue>(new StringValue { Value = "sync" }, Generous);

        _b.System.Stop(echo);

        var terminated = await watcher.ExpectMsgAsync<Terminated>(timeout: Generous);
        Assert.Equal(remoteEcho.Path, terminated.ActorRef.Path);
    }

    [Fact]
    public async Task Watching_a_remote_actor_that_does_not_exist_yields_Terminated()
    {
        var ghost = _a.RefTo(_b, "never-existed");
        var watcher = new TestProbe(_a.System);

        watcher.Watch(ghost);

        var terminated = await watcher.ExpectMsgAsync<Terminated>(timeout: Generous);
        Assert.Equal(ghost.Path, terminated.ActorRef.Path);
    }

    [Fact]
    public async Task Stopping_a_remote_ref_stops_the_actor_on_its_node()
    {
        var echo = _b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var localWatcher = new TestProbe(_b.System);
        localWatcher.Watch(echo);

        _a.System.Stop(_a.RefTo(_b, "echo"));

        await localWatcher.ExpectMsgAsync<Terminated>(timeout: Generous);
    }

    [Fact]
    public async Task A_watched_actor_counts_as_terminated_when_its_node_stays_unreachable()
    {
        _b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var remoteEcho = _a.RefTo(_b, "echo");
        var watcher = new TestProbe(_a.System);
        watcher.Watch(remoteEcho);
        await AwaitCondition.UntilAsync(() => _a.ReachabilityOf(_b) == Actors.Remote.FailureDetection.PeerReachability.Up, "beta up for alpha");

        _faults.BlockBoth(_a.Address, _b.Address);

        var terminated = await watcher.ExpectMsgAsync<Terminated>(timeout: Generous);
        Assert.Equal(remoteEcho.Path, terminated.ActorRef.Path);
    }
}
