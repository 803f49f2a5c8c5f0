namespace DistSync.Hocon;

/// <summary>A field (<c>a.b = value</c>, <c>a += value</c>, <c>a { }</c>) or an include inside an object literal.</summary>
internal abstract record SyntaxEntry(HoconOrigin Origin);

/// <summary><c>path = value</c>; <see cref="Append"/> for <c>+=</c>.</summary>
internal sealed record SyntaxField(IReadOnlyList<string> Path, HoconValue Value, bool Append, HoconOrigin Origin)
    : SyntaxEntry(Origin);

/// <summary><c>include "name"</c>, <c>include file("name")</c> or <c>include required(...)</c>.</summary>
internal sealed record SyntaxInclude(string Name, bool Required, string? BaseDirectory, HoconOrigin Origin)
    : SyntaxEntry(Origin);
