namespace Liaison.Core;

/// <summary>
/// A domain rule was broken. <see cref="Rule"/> is a stable machine name ("identity.address.invalid"),
/// <see cref="Field"/> names the input that broke it ("address") when there is one, so the host can
/// answer with problem details that point at the field.
/// </summary>
public class DomainRuleException : Exception
{
    public DomainRuleException(string rule, string message, string? field = null) : base(message)
    {
        Rule = rule;
        Field = field;
    }

    public string Rule { get; }
    public string? Field { get; }
}

/// <summary>The thing asked for conflicts with something already stored (HTTP 409 at the edge).</summary>
public sealed class DomainConflictException(string rule, string message, string? field = null)
    : DomainRuleException(rule, message, field);
