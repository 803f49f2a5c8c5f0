using Akka.Actor.Setup;
using Akka.Hosting.Logging;
using Serilog.Extensions.Logging;

namespace DistSync.Cluster.Logging;

/// <summary>
/// How Akka's own log events reach Serilog. Two ways, picked by <see cref="Hosting.AkkaSettings.Logger"/>:
/// <list type="bullet">
/// <item><see cref="AkkaLoggerKind.Serilog"/>: Akka.Logger.Serilog's <c>SerilogLogger</c>, which writes through the
/// static <c>Serilog.Log.Logger</c>; right for the node process, which has one system and sets
/// <c>Log.Logger = DistSyncLogging.CreateLogger(nodeId, ...)</c> first.</item>
/// <item><see cref="AkkaLoggerKind.PerSystem"/>: Akka.Hosting's <c>LoggerFactoryLogger</c> over a Serilog logger handed in
/// with <see cref="Setup"/>; in-process clusters need it, since the static logger cannot tell nodes apart.</item>
/// </list>
/// </summary>
public static class AkkaLogging
{
    /// <summary><c>akka.loggers</c> entry of Akka.Logger.Serilog (static <c>Log.Logger</c>).</summary>
    public const string SerilogLoggerClass = "Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog";

    /// <summary><c>akka.logger-formatter</c> of Akka.Logger.Serilog, so <c>{Named}</c> templates work.</summary>
    public const string SerilogFormatterClass = "Akka.Logger.Serilog.SerilogLogMessageFormatter, Akka.Logger.Serilog";

    /// <summary><c>akka.loggers</c> entry of Akka.Hosting's logger over an <c>ILoggerFactory</c> from the setup.</summary>
    public static readonly string LoggerFactoryLoggerClass =
        typeof(LoggerFactoryLogger).FullName + ", " + typeof(LoggerFactoryLogger).Assembly.GetName().Name;

    /// <summary>The setup that gives one actor system its own Serilog logger (use with
    /// <see cref="AkkaLoggerKind.PerSystem"/>). Disposing the logger is the caller's business.</summary>
    public static Setup Setup(Serilog.ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return new LoggerFactorySetup(new SerilogLoggerFactory(logger));
    }
}
