namespace Liaison.Core;

/// <summary>Rules every stored text obeys, whatever it is.</summary>
public static class TextRules
{
    /// <summary>
    /// Throws <see cref="DomainRuleException"/> ("text.nul", naming <paramref name="field"/>) for a NUL
    /// character: PostgreSQL cannot store one in text, and it means nothing to a person.
    /// </summary>
    public static string? RefuseNul(string? text, string field) =>
        text is not null && text.Contains('\0')
            ? throw new DomainRuleException("text.nul", $"'{field}' contains a NUL character (U+0000), which text may not hold.", field)
            : text;
}
