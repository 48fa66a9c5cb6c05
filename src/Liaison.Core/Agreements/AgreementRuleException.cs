namespace Liaison.Core.Agreements;

/// <summary>
/// An agreement (or an acknowledgement template, or an imported calendar) broke a rule.
/// <see cref="DomainRuleException.Field"/> names the input in the JSON shape of the agreement
/// ("workingHours.monday", "clientTimeZone"), <see cref="DomainRuleException.Rule"/> the rule
/// ("hours.overlap"); the message says it in words.
/// </summary>
public sealed class AgreementRuleException(string rule, string message, string? field = null, IReadOnlyList<string>? suggestions = null)
    : DomainRuleException(rule, message, field)
{
    /// <summary>Close matches for a mistyped value (time zone ids), best first; empty when none.</summary>
    public IReadOnlyList<string> Suggestions { get; } = suggestions ?? [];
}
