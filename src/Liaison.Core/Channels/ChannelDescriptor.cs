using Liaison.Core.Identities;
using Liaison.Core.Inbound;
using NodaTime;

namespace Liaison.Core.Channels;

/// <summary>
/// Everything the rest of Liaison knows about one kind of channel, given by the channel itself: how
/// it looks, which settings it asks for and how they are checked, how its addresses are written,
/// how its conversations are keyed, what it can do, and what connecting and disconnecting it takes.
/// A channel project registers one (a subclass when it needs code of its own) in its one
/// <c>AddXChannel()</c> call; kinds of the glossary that have no project yet (phone, Telegram,
/// notes from a meeting) are described by <see cref="GlossaryChannels"/>. Nothing outside the
/// channel projects asks "which kind is this?": it asks the kind's descriptor.
/// </summary>
public class ChannelDescriptor
{
    public ChannelDescriptor(ChannelKind kind, ChannelLook look)
    {
        Kind = kind;
        Look = look;
    }

    public ChannelKind Kind { get; }

    public ChannelLook Look { get; }

    /// <summary>Where the kind is offered: as a connectable account, a contact's identity, the source of a note or a pasted fragment.</summary>
    public ChannelUses Uses { get; init; }

    /// <summary>Where the kind sits in the lists that offer it (lower first); e-mail before phone before the messengers, "other" last.</summary>
    public int Order { get; init; } = 500;

    /// <summary>The settings an account of this kind is connected with, in the order the form asks for them.</summary>
    public IReadOnlyList<SettingField> Settings { get; init; } = [];

    /// <summary>How addresses of this kind are normalised and shown.</summary>
    public AddressRule Addresses { get; init; } = AddressRules.Text;

    /// <summary>
    /// The other kinds whose addresses may denote the same person (a WhatsApp number is a phone
    /// number): an address of this kind is also looked for among theirs, see <see cref="ChannelDescriptors.SamePerson"/>.
    /// </summary>
    public IReadOnlySet<ChannelKind> SamePersonAs { get; init; } = new HashSet<ChannelKind>();

    /// <summary>How the kind's messages fall into conversations when the provider names no thread.</summary>
    public ThreadRule Threads { get; init; } = ThreadRule.PerCounterpart;

    public ChannelCapabilities Capabilities { get; init; } = new();

    /// <summary>How deliveries of the kind arrive when the settings don't say otherwise (<see cref="ReceivesBy"/>).</summary>
    public Receiving Receives { get; init; }

    /// <summary>How a connected channel of this kind receives, from its own settings (a bot may be polled or posted to).</summary>
    public virtual Receiving ReceivesBy(ChannelSettings settings) => Receives;

    /// <summary>
    /// The key of the conversation a new message we write (not a reply) starts: the chat with the
    /// counterpart, or, per topic, a thread of its own keyed by the message's own provider id, which
    /// the replies will name.
    /// </summary>
    public string NewConversationKey(string counterpartAddress, string? providerMessageId) =>
        Threads == ThreadRule.PerTopic && providerMessageId is { Length: > 0 } own ? own : $"{Kind.Value}:{counterpartAddress}";

    /// <summary>True for a setting whose value is a credential: stored encrypted, never sent back, kept when an edit leaves it empty.</summary>
    /// <remarks>A stored setting the fields don't name (set through the API) is judged by its name, so a new credential is withheld without being listed.</remarks>
    public bool IsSecret(string name) =>
        Settings.FirstOrDefault(f => f.Name == name) is { } field
            ? field.Secret
            : SecretEndings.Any(ending => name.EndsWith(ending, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] SecretEndings = ["password", "secret", "token", "key"];

    /// <summary>
    /// Throws a <see cref="DomainRuleException"/> naming the setting when <paramref name="settings"/>
    /// cannot work: first what the fields say (required, a number, a host ...), then <see cref="Validate"/>.
    /// </summary>
    public void Check(IReadOnlyDictionary<string, string> settings)
    {
        foreach (var field in Settings) field.Check(settings.TryGetValue(field.Name, out var value) ? value : null);
        Validate(new ChannelSettings(settings));
    }

    /// <summary>The channel's own check of its settings as a whole; throws a <see cref="DomainRuleException"/> whose Field names the setting.</summary>
    protected virtual void Validate(ChannelSettings settings) { }

    /// <summary>
    /// The servers each secret is sent to, as the connection will be made: a stored secret belongs to
    /// the server it was entered for, so an edit that keeps it while pointing it elsewhere must enter
    /// it again. None for a secret that only checks what is posted here (a webhook's app secret).
    /// </summary>
    public virtual IEnumerable<(string Secret, object Server)> SecretDestinations(ChannelSettings settings) => [];

    /// <summary>
    /// Throws naming the secret when an edit keeps a stored secret (<paramref name="kept"/>: left
    /// empty) while its <see cref="SecretDestinations"/> changed: a new host, port, TLS mode or user
    /// would hand the owner's password to whoever runs that server, so it must be entered again.
    /// </summary>
    public void CheckKeptSecrets(ChannelSettings stored, ChannelSettings edited, IReadOnlySet<string> kept)
    {
        if (kept.Count == 0) return;
        HashSet<(string, object)> before;
        // Stored settings that no longer read: no server is known to have the secret.
        try { before = SecretDestinations(stored).ToHashSet(); }
        catch (DomainRuleException) { before = []; }
        foreach (var (secret, server) in SecretDestinations(edited))
            if (kept.Contains(secret) && !before.Contains((secret, server)))
                throw new DomainRuleException("channel.secret.reenter",
                    $"Enter the {Settings.FirstOrDefault(f => f.Name == secret)?.InSentence ?? secret} again: the server changed.", secret);
    }

    /// <summary>
    /// Whether edited settings still name the account the channel's checkpoints were taken in; when
    /// not, the checkpoints are forgotten and the new account is read from its start.
    /// </summary>
    public virtual bool SameAccount(ChannelSettings before, ChannelSettings after) => true;

    /// <summary>
    /// Called when a channel of this kind is connected, once its settings passed <see cref="Check"/>
    /// and it is stored with its id (a Telegram bot's setWebhook to its webhook URL). Throws a
    /// <see cref="DomainRuleException"/> to refuse, naming the setting at fault; the channel is then removed again.
    /// </summary>
    public virtual Task ConnectAsync(ChannelConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Called when a channel of this kind is disconnected (deleteWebhook); the channel is disconnected even when this fails.</summary>
    public virtual Task DisconnectAsync(ChannelConnection connection, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Whether a message with <paramref name="purpose"/> may go to a counterpart who last wrote at
    /// <paramref name="lastHeard"/> (null: never, on this channel). By default from
    /// <see cref="ChannelCapabilities.ReplyWindow"/>: always without one, else free text for that long
    /// after their last message and templates outside it where <see cref="ChannelCapabilities.Templates"/>.
    /// A channel with rules of its own (a tag that stretches the window for a person's reply) overrides it.
    /// </summary>
    public virtual Outbound.ReplyWindow ReplyWindowAt(Instant now, Instant? lastHeard, Outbound.MessagePurpose purpose, ChannelSettings settings) =>
        Capabilities.ReplyWindow is { } length
            ? Outbound.ReplyWindow.After(lastHeard, length, now, Capabilities.Templates)
            : new Outbound.ReplyWindow.Always();

    /// <summary>The descriptor of a kind nobody describes (a kind stored by a channel project since removed): its name, free-text addresses.</summary>
    public static ChannelDescriptor Unknown(ChannelKind kind) => new(kind, new ChannelLook(kind.Value, "•", "other")) { Order = 900 };
}

/// <summary>How a kind looks in the UI: a label, a small glyph and a colour tone (a <c>ch-</c> class of the style sheet).</summary>
public sealed record ChannelLook(string Label, string Glyph, string Tone)
{
    public string CssClass => $"ch-{Tone}";
}

[Flags]
public enum ChannelUses
{
    None = 0,
    /// <summary>Connected as an account on the Channels page.</summary>
    Account = 1,
    /// <summary>A contact can have an address of this kind.</summary>
    Identity = 2,
    /// <summary>A note can say it happened there (a call, a meeting).</summary>
    NoteSource = 4,
    /// <summary>A pasted fragment can say it was copied from there.</summary>
    FragmentSource = 8,
}

[Flags]
public enum Receiving
{
    None = 0,
    /// <summary>The provider posts deliveries to <c>/hooks/{channelId}</c>: it needs the server's public address.</summary>
    Webhook = 1,
    /// <summary>The server fetches (IMAP, a bot's getUpdates) from a checkpoint.</summary>
    Pulling = 2,
}

public enum ThreadRule
{
    /// <summary>A chat: one conversation per counterpart.</summary>
    PerCounterpart,
    /// <summary>Like e-mail: each new message starts a thread about its topic, which replies join.</summary>
    PerTopic,
}

/// <summary>What a channel can do beyond carrying a text.</summary>
/// <param name="Edits">the provider reports a message edited after it was sent.</param>
/// <param name="Deletions">the provider reports a message deleted.</param>
/// <param name="Statuses">the provider reports delivered/read for our messages.</param>
/// <param name="Templates">outside the reply window only pre-approved templates may be sent (WhatsApp).</param>
/// <param name="Subjects">messages have a subject line.</param>
/// <param name="ReplyWindow">how long after the counterpart's last message a free-form reply may be sent; null: always.</param>
public sealed record ChannelCapabilities(
    bool Edits = false,
    bool Deletions = false,
    bool Statuses = false,
    bool Templates = false,
    bool Subjects = false,
    Duration? ReplyWindow = null);

/// <summary>What a connect or disconnect step is given.</summary>
/// <param name="ChannelId">the channel's id.</param>
/// <param name="PublicBaseUrl">the server's public address (<c>Liaison:PublicBaseUrl</c>); null when not configured.</param>
public sealed record ChannelConnection(long ChannelId, ChannelSettings Settings, Uri? PublicBaseUrl)
{
    /// <summary>Where the provider must post this channel's deliveries, or null without a public address.</summary>
    public Uri? WebhookUrl => PublicBaseUrl is null ? null : new Uri(PublicBaseUrl, $"hooks/{ChannelId}");
}
