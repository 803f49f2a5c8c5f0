using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.KvInput, DistSync.Linearizability.Models.KvOutput>;

namespace DistSync.Linearizability.Tests;

public sealed class IllegalReportSpec : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "distsync-lin-" + Guid.NewGuid().ToString("N"));

    // Key "a" is fine; on key "b" client 2 reads "p" after "q" overwrote it (a stale read).
    private static readonly Op[] History =
    [
        Op.Completed(1, KvInput.Put("a", "x"), 0, KvOutput.Written(1), 1),
        Op.Completed(1, KvInput.Put("b", "p"), 2, KvOutput.Written(2), 3),
        Op.Completed(1, KvInput.Put("b", "q"), 4, KvOutput.Written(3), 5),
        Op.Completed(2, KvInput.Get("b"), 6, KvOutput.Found("p", 2), 7),
        Op.Completed(3, KvInput.Get("a"), 8, KvOutput.Found("x", 1), 9),
        Op.Unknown(4, KvInput.Put("b", "r"), 10),
    ];

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void The_explanation_names_the_partition_the_prefix_and_the_rejected_operation()
    {
        var result = LinearizabilityChecker.Check(new KvModel(), History);

        var text = result.Explain();

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.Contains("Not linearizable: partition 1 (key \"b\")", text);
        Assert.Contains("The longest linearizable prefix has 2 operation(s) and ends in state \"q\" v3.", text);
        Assert.Contains("#3", text);
        Assert.Contains("get(b) -> \"p\" v2  (rejected by the model in that state)", text);
    }

    [Fact]
    public void The_illegal_partition_keeps_its_longest_prefix_and_blocked_operations()
    {
        var partition = LinearizabilityChecker.Check(new KvModel(), History).IllegalPartition!;

        Assert.Equal([1, 2], partition.LongestLinearizablePrefix.Select(s => s.HistoryIndex).ToArray());
        Assert.Equal(["\"p\" v2", "\"q\" v3"], partition.LongestLinearizablePrefix.Select(s => s.StateAfter).ToArray());
        // The timed-out put was called after the get returned, so real time does not let it come next.
        Assert.Equal([new BlockedOperation(3, "get(b) -> \"p\" v2")], partition.BlockedOperations);
    }

    [Fact]
    public void The_report_file_lists_the_prefix_with_states_and_the_history_by_call_time()
    {
        var result = LinearizabilityChecker.Check(new KvModel(), History);
        var path = Path.Combine(_directory, "nested", "report.txt");

        result.WriteReport(path);
        var report = File.ReadAllText(path);

        Assert.Equal(result.Report(), report);
        Assert.StartsWith("Linearizability check: Illegal", report);
        Assert.Contains("== partition 1 (key \"b\"): Illegal, 4 operations ==", report);
        Assert.Contains("Longest linearizable prefix (2 of 4 operations), in linearization order:", report);
        Assert.Contains("state: \"q\" v3", report);
        Assert.Matches(@"--\s+#3\s+client 2\s+\[6, 7\]\s+get\(b\) -> ""p"" v2", report);
        Assert.Matches(@"L2\s+#2\s+client 1\s+\[4, 5\]\s+put\(b, ""q""\) -> written v3", report);
        Assert.Contains("[10, ∞]  put(b, \"r\") -> ? (timed out)", report);
        Assert.DoesNotContain("partition 0 (key \"a\"): Ok", report);
        var whole = report[report.IndexOf("== Whole history by call time ==", StringComparison.Ordinal)..];
        var order = History.Select((_, i) => whole.IndexOf("#" + i + " ", StringComparison.Ordinal)).ToArray();
        Assert.All(order, at => Assert.True(at > 0));
        Assert.Equal(order.Order().ToArray(), order);
    }

    [Fact]
    public void A_linearizable_history_explains_itself_in_one_line()
    {
        var result = LinearizabilityChecker.Check(new KvModel(), History.Take(3).ToArray());

        Assert.True(result.IsOk);
        Assert.StartsWith("Linearizable: 3 operations in 2 partition(s)", result.Explain());
        Assert.Null(result.IllegalPartition);
        Assert.All(result.Partitions, p => Assert.Empty(p.BlockedOperations));
    }
}
