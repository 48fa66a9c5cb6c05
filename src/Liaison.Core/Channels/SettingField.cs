using System.Globalization;
using Liaison.Core.Identities;

namespace Liaison.Core.Channels;

/// <summary>What a setting holds, which decides how the form asks for it and what the server accepts.</summary>
public enum SettingKind
{
    Text,
    /// <summary>A credential typed in a password box; always <see cref="SettingField.Secret"/>.</summary>
    Password,
    /// <summary>A whole number (a port: 1-65535 when <see cref="SettingField.Max"/> says so).</summary>
    Number,
    /// <summary>A TCP port, 1-65535.</summary>
    Port,
    /// <summary>A host name or IP address, no scheme or port ("mail.example.com").</summary>
    Host,
    Email,
    /// <summary>true or false.</summary>
    Bool,
    /// <summary>One of <see cref="SettingField.Choices"/>.</summary>
    Choice,
}

/// <summary>One setting a channel is connected with: the Channels page renders its form from these, and the API checks with them.</summary>
/// <param name="Name">the key the adapter reads ("imap.host").</param>
/// <param name="Label">what the form calls it ("IMAP host").</param>
public sealed record SettingField(string Name, string Label, SettingKind Kind = SettingKind.Text)
{
    /// <summary>Stored encrypted, never sent back to the browser, kept when an edit leaves it empty.</summary>
    public bool Secret { get; init; } = Kind == SettingKind.Password;

    public bool Required { get; init; } = true;

    /// <summary>A sentence under the field.</summary>
    public string? Help { get; init; }

    /// <summary>What the channel uses when the setting is left out (shown as the form's initial value for a choice).</summary>
    public string? Default { get; init; }

    /// <summary>For <see cref="SettingKind.Choice"/>: the values with what the form shows for each.</summary>
    public IReadOnlyList<(string Value, string Label)> Choices { get; init; } = [];

    /// <summary>The largest number accepted for <see cref="SettingKind.Number"/>.</summary>
    public long Max { get; init; } = long.MaxValue;

    /// <summary>Fields with the same row sit side by side where there is room (host, port, security).</summary>
    public string? Row { get; init; }

    /// <summary>The label inside a sentence: "password" for "Password", "IMAP host" as it is.</summary>
    public string InSentence => Label.Length > 1 && char.IsUpper(Label[0]) && char.IsLower(Label[1]) ? char.ToLowerInvariant(Label[0]) + Label[1..] : Label;

    /// <summary>Throws a <see cref="DomainRuleException"/> naming this field when <paramref name="value"/> is not one it accepts.</summary>
    public void Check(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (Required) throw new DomainRuleException("channel.setting.missing", $"Enter the {InSentence}.", Name);
            return;
        }
        var text = value.Trim();
        var ok = Kind switch
        {
            SettingKind.Number => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= Max,
            SettingKind.Port => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536,
            SettingKind.Host => Uri.CheckHostName(text) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6,
            SettingKind.Bool => text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase),
            SettingKind.Choice => Choices.Any(c => c.Value.Equals(text, StringComparison.OrdinalIgnoreCase)),
            SettingKind.Email => IsEmail(text),
            _ => true,
        };
        if (!ok) throw new DomainRuleException("channel.setting.invalid", $"'{Name}' must be {Expected}; got '{text}'.", Name);
    }

    private string Expected => Kind switch
    {
        SettingKind.Number => Max == long.MaxValue ? "a whole number" : $"a number from 1 to {Max}",
        SettingKind.Port => "a port number (1-65535)",
        SettingKind.Host => "a host name or IP address such as mail.example.com",
        SettingKind.Bool => "true or false",
        SettingKind.Choice => Choices.Count == 1 ? Choices[0].Value : string.Join(", ", Choices.Select(c => c.Value).SkipLast(1)) + " or " + Choices[^1].Value,
        SettingKind.Email => "an e-mail address",
        _ => "text",
    };

    private static bool IsEmail(string text)
    {
        try { AddressRules.EmailAddress(text); return true; }
        catch (DomainRuleException) { return false; }
    }
}
