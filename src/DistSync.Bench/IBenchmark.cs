namespace DistSync.Bench;

/// <summary>
/// One benchmark reachable as <c>./build.sh bench NAME [args]</c>.
/// Implementations are found by reflection, so adding a benchmark is adding one file.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name typed after <c>./build.sh bench</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage listing.</summary>
    string Description { get; }

    /// <summary>Runs the benchmark and prints its figures; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args);
}
