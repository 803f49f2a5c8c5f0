namespace DistSync.Hocon;

/// <summary>One part of a <see cref="HoconConcatenation"/> with the whitespace written before it.</summary>
internal readonly record struct HoconConcatenationPiece(string LeadingWhitespace, HoconValue Value);
