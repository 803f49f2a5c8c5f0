using Akka.Actor;
using Akka.Configuration;
using DistSync.Persistence;
using DistSync.Persistence.CrashHost;
using DistSync.Persistence.Plugins;

// usage: write|recover sqlite <data-dir> <actors>
//        write|recover redis <host:port> <actors>
if (args.Length != 4 || args[0] is not ("write" or "recover") || args[1] is not ("sqlite" or "redis") || !int.TryParse(args[3], out var actors) || actors < 1)
{
    Console.Error.WriteLine("usage: (write|recover) (sqlite <data-dir> | redis <host:port>) <actors>");
    return 2;
}

var settings = args[1] == "sqlite"
    ? new PersistenceSettings { NodeId = "crash", DataDirectory = args[2] }
    : new PersistenceSettings
    {
        NodeId = "crash",
        JournalPlugin = PersistencePlugin.Redis,
        SnapshotStorePlugin = PersistencePlugin.Redis,
        RedisConfiguration = args[2],
    };
// Akka logs to stdout; the test reads only the "ack" and "recovered" lines, warnings may go along.
var system = ActorSystem.Create("crash-host", PersistencePlugins.Setup(settings, fallback: ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
PersistencePlugins.Start(system);
var keepWriting = args[0] == "write";
var recovered = new List<Task>();
for (var i = 0; i < actors; i++)
{
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    recovered.Add(done.Task);
    var pid = $"counter-{i}";
    system.ActorOf(Props.Create(() => new CountingActor(pid, keepWriting, done)), pid);
}
await Task.WhenAll(recovered).WaitAsync(TimeSpan.FromMinutes(2));
if (!keepWriting)
{
    await system.Terminate();
    return 0;
}
Console.WriteLine("writing");
// Runs until the test kills the process with SIGKILL.
await system.WhenTerminated;
return 0;
