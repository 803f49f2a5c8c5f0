namespace DistSync.Raft.Tests.Hosting;

/// <summary>The Akka config of a spec's node: cluster provider (not joined: Raft needs only remoting), DotNetty TCP
/// on loopback with the throttler and failure-injector adapters, frames big enough for Raft batches, a short gate
/// after a failed connection, no downing, and warnings only in the log.</summary>
internal static class TestAkka
{
    public static string Config(int port) => $$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor.provider = cluster
          remote {
            retry-gate-closed-for = 200ms
            dot-netty.tcp {
              hostname = "127.0.0.1"
              port = {{port}}
              applied-adapters = [trttl, gremlin]
              maximum-frame-size = 8MiB
              send-buffer-size = 8MiB
              receive-buffer-size = 8MiB
            }
          }
          cluster.downing-provider-class = "Akka.Cluster.NoDowning, Akka.Cluster"
          coordinated-shutdown.exit-clr = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """;
}
