using Liaison.Core;

namespace Liaison.Server.Components.Shared;

/// <summary>
/// Broken rules of the last attempt, by the field they name (<see cref="DomainRuleException.Field"/>);
/// a rule that names no field goes to the form as a whole ("").
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string> errors = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => errors.Count > 0;

    public void Clear() => errors.Clear();

    public void Add(DomainRuleException e) => errors[e.Field ?? ""] = e.Message;

    public void Add(string field, string message) => errors[field] = message;

    public string? this[string field] => errors.GetValueOrDefault(field);

    /// <summary>The message for the form as a whole, and for any field the form doesn't show.</summary>
    public string? General(params string[] shownFields) =>
        errors.Where(e => !shownFields.Contains(e.Key, StringComparer.OrdinalIgnoreCase)).Select(e => e.Value).FirstOrDefault();
}
