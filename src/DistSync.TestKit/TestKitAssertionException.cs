namespace DistSync.TestKit;

/// <summary>A TestKit expectation failed (any test framework reports it as a failure).</summary>
public sealed class TestKitAssertionException(string message) : Exception(message);
