namespace DistSync.Raft.Simulation;

/// <summary>A safety property failed during a simulation.</summary>
public sealed class SimulationViolationException(string message) : Exception(message);
