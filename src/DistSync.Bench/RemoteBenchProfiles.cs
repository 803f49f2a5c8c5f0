namespace DistSync.Bench;

/// <summary>
/// The Akka settings <see cref="RemoteBench"/> compares: each profile is HOCON laid over the base config of both actor
/// systems. <c>defaults</c> is Akka 1.5.74 as shipped; the single-knob profiles change one setting each; the last ones
/// combine them. Measured on the 2-core machine (issue 11): only the socket buffers (<c>sockbuf-2m</c>) help clearly,
/// about a third less CPU per message and 1.5-2x the 1 KiB rate; keeping batching on helps a little; max-pending-writes,
/// water marks, a fork-join remote dispatcher or a dedicated actor dispatcher do not help beyond the noise of the shared
/// machine. <c>tuned</c> adds throughput 100 and one DotNetty thread per pool, which cost nothing measurable and gave
/// the best rounds.
/// </summary>
internal static class RemoteBenchProfiles
{
    /// <summary>Config of both systems before the profile: loopback, a free port, warnings only, the bench dispatcher.</summary>
    public static string Base(string provider) => $$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = 0
          actor.provider = {{provider}}
          remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
          # The node needs 4-16 MiB frames for Raft snapshots (AKKA-PORT.md §8, risk 3); every profile carries them.
          remote.dot-netty.tcp.maximum-frame-size = 16MiB
          remote.log-remote-lifecycle-events = off
          cluster.log-info = off
        }
        # Used only by profiles that set dsync-bench.actor-dispatcher.
        dsync-bench-dispatcher {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool { thread-count = 1, threadtype = background }
        }
        dsync-bench.actor-dispatcher = ""
        """;

    private const string Buffers2M = """
        akka.remote.dot-netty.tcp {
          send-buffer-size = 2MiB
          receive-buffer-size = 2MiB
          write-buffer-high-water-mark = 4MiB
          write-buffer-low-water-mark = 2MiB
        }

        """;

    private const string SocketBuffers2M = """
        akka.remote.dot-netty.tcp { send-buffer-size = 2MiB, receive-buffer-size = 2MiB }

        """;

    private const string IoThreads1 = """
        akka.remote.dot-netty.tcp.server-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }
        akka.remote.dot-netty.tcp.client-socket-worker-pool { pool-size-min = 1, pool-size-max = 1 }

        """;

    private const string Throughput100 = """
        akka.actor.default-dispatcher.throughput = 100
        akka.remote.default-remote-dispatcher.throughput = 100

        """;

    // The shipped default-remote-dispatcher says executor = default-executor (the .NET thread pool), so its
    // fork-join-executor block is ignored unless the executor is switched as here.
    private const string RemoteFj1 = """
        akka.remote.default-remote-dispatcher { executor = fork-join-executor, fork-join-executor { parallelism-min = 1, parallelism-max = 1 } }

        """;

    private const string RemoteFj2 = """
        akka.remote.default-remote-dispatcher { executor = fork-join-executor, fork-join-executor { parallelism-min = 2, parallelism-max = 2 } }

        """;

    /// <summary>Name, what it changes, HOCON.</summary>
    public static readonly IReadOnlyList<(string Name, string Change, string Hocon)> All =
    [
        ("defaults", "Akka 1.5.74 as shipped (batching on, max-pending-writes 30)", ""),
        ("no-batching", "batching.enabled = off (flush every write)", "akka.remote.dot-netty.tcp.batching.enabled = off"),
        ("pending-8", "batching.max-pending-writes = 8", "akka.remote.dot-netty.tcp.batching.max-pending-writes = 8"),
        ("pending-128", "batching.max-pending-writes = 128", "akka.remote.dot-netty.tcp.batching.max-pending-writes = 128"),
        ("pending-512", "batching.max-pending-writes = 512", "akka.remote.dot-netty.tcp.batching.max-pending-writes = 512"),
        ("buffers-2m", "send/receive-buffer-size = 2 MiB, write high/low water marks 4/2 MiB", Buffers2M),
        ("sockbuf-2m", "send/receive-buffer-size = 2 MiB only (socket buffers)", SocketBuffers2M),
        ("sockbuf-16m", "send/receive-buffer-size = 16 MiB (Linux caps it at net.core.wmem_max/rmem_max, 4 MiB here)", "akka.remote.dot-netty.tcp { send-buffer-size = 16MiB, receive-buffer-size = 16MiB }"),
        ("node-conf", "the remote settings of hocon/akka.conf: 16 MiB socket buffers, 8 MiB frames, throughput 100, batching 30", """
            akka.remote.dot-netty.tcp { send-buffer-size = 16MiB, receive-buffer-size = 16MiB, maximum-frame-size = 8MiB }
            akka.actor.default-dispatcher.throughput = 100
            """),
        ("watermark-4m", "write-buffer-high/low-water-mark = 4/2 MiB only (DotNetty's outbound buffer)", "akka.remote.dot-netty.tcp { write-buffer-high-water-mark = 4MiB, write-buffer-low-water-mark = 2MiB }"),
        ("throughput-100", "throughput = 100 on default and remote dispatchers", Throughput100),
        ("remote-fj-1", "remoting on its own 1 thread (default-remote-dispatcher executor = fork-join-executor, parallelism 1)", RemoteFj1),
        ("remote-fj-2", "remoting on its own 2 threads (fork-join-executor, parallelism 2)", RemoteFj2),
        ("io-threads-1", "DotNetty server/client worker pools of 1 thread", IoThreads1),
        ("dedicated", "bench actors on a dedicated 1-thread dispatcher (throughput 100)", "dsync-bench.actor-dispatcher = dsync-bench-dispatcher"),
        ("sockbuf-tp100", "sockbuf-2m + throughput-100", SocketBuffers2M + Throughput100),
        ("tuned", "sockbuf-2m + throughput-100 + io-threads-1: the recommendation", SocketBuffers2M + Throughput100 + IoThreads1),
        ("tuned-fj2", "tuned + remote-fj-2", SocketBuffers2M + Throughput100 + IoThreads1 + RemoteFj2),
    ];

    public static (string Name, string Change, string Hocon)? Find(string name)
    {
        foreach (var p in All)
            if (p.Name == name) return p;
        return null;
    }
}
