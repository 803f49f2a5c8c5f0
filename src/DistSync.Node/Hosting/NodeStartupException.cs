namespace DistSync.Node.Hosting;

/// <summary>The node cannot start (port in use, bad configuration, unusable data directory); the message says which and why.</summary>
public sealed class NodeStartupException(string message, Exception? inner = null) : Exception(message, inner);
