namespace DistSync.Cluster.Logging;

/// <summary>How log events are written: readable lines or one JSON object per line.</summary>
public enum LogFormat
{
    Console,
    Json,
}
