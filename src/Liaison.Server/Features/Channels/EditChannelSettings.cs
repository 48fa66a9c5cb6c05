using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Inbound;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// Changing a connected channel's settings in place (a new password, another port), so the channel
/// keeps its id, its messages and, for a mailbox, how far it has fetched: disconnecting and connecting
/// again would make a new channel that imports everything once more.
/// </summary>
public static class EditChannelSettings
{
    /// <summary>
    /// The channel's settings, the same names as when connecting, replacing the stored ones: a setting
    /// left out is removed. A secret (a password, a token: <see cref="ChannelDescriptor.IsSecret"/>)
    /// that is left out or empty keeps its stored value, since it is never shown to be sent back; an
    /// explicit null removes it.
    /// </summary>
    public sealed record Request([property: MaxLength(4000)] Dictionary<string, string?>? Settings);

    /// <param name="Values">the settings that are not secrets, to fill the edit form with.</param>
    /// <param name="Secrets">the names of the stored secrets, whose values are never returned.</param>
    public sealed record SettingsView(long Id, string Kind, string Name, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Secrets);

    public static RouteGroupBuilder MapChannelSettings(this RouteGroupBuilder channels)
    {
        channels.MapGet("/{id:long}/settings", Get);
        channels.MapPut("/{id:long}/settings", Handle);
        return channels;
    }

    public static async Task<Results<Ok<SettingsView>, NotFound>> Get(long id, LiaisonDb db, ChannelSettingsProtector protector, ChannelDescriptors descriptors, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null) return TypedResults.NotFound();
        var stored = await StoredAsync(db, protector, id, ct);
        var descriptor = descriptors.For(channel.Kind);
        return TypedResults.Ok(new SettingsView(channel.Id, channel.Kind.Value, channel.Name,
            new SortedDictionary<string, string>(stored.Values.Where(v => !descriptor.IsSecret(v.Key)).ToDictionary(), StringComparer.Ordinal),
            stored.Values.Keys.Where(descriptor.IsSecret).Order(StringComparer.Ordinal).ToList()));
    }

    /// <summary>
    /// Checks the new settings as connecting does (a bad one is refused naming its field, and nothing
    /// changes), stores them, and restarts the channel's pull with them. The channel keeps its
    /// checkpoints unless its descriptor says the settings now name another account
    /// (<see cref="ChannelDescriptor.SameAccount"/>: for a mailbox, another IMAP host or user).
    /// The kind's connect step runs again first with the new settings (a bot's setWebhook with its new
    /// token or mode): when the provider refuses, the edit is refused in its words and nothing changes.
    /// </summary>
    public static async Task<Results<Ok<ChannelsApi.ChannelView>, NotFound>> Handle(long id, Request request, LiaisonDb db, ChannelDirectory directory,
        ChannelSettingsProtector protector, PullingChannels pulling, ChannelDescriptors descriptors, Microsoft.Extensions.Options.IOptions<LiaisonOptions> options, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null) return TypedResults.NotFound();
        if (channel.DisconnectedAt is not null)
            throw new DomainConflictException("channel.disconnected", "This channel is disconnected; its settings can no longer be changed. Connect it again instead.");
        var stored = await StoredAsync(db, protector, id, ct);
        var descriptor = descriptors.For(channel.Kind);
        var (edited, kept) = Merge(descriptor, stored, request.Settings ?? []);
        descriptor.Check(edited);
        descriptor.CheckKeptSecrets(stored, new ChannelSettings(edited), kept);
        var anotherAccount = !descriptor.SameAccount(stored, new ChannelSettings(edited));
        await descriptor.ConnectAsync(new ChannelConnection(id, new ChannelSettings(edited), options.Value.PublicBaseUri), ct);

        await pulling.ChangeStoppedAsync(id, async () =>
        {
            await db.InTransactionAsync(async () =>
            {
                var record = await db.ChannelSettings.FirstOrDefaultAsync(s => s.ChannelId == id, ct);
                if (record is null) db.ChannelSettings.Add(new ChannelSettingsRecord(id, protector.Protect(edited)));
                else record.Replace(protector.Protect(edited));
                if (anotherAccount) await DatabaseChannelCheckpoints.ForgetAsync(db, id, ct);
                return true;
            }, ct);
            directory.Forget(id);
        }, ct);

        return TypedResults.Ok(new ChannelsApi.ChannelView(channel.Id, channel.Kind.Value, channel.Name, channel.ConnectedAt, channel.DisconnectedAt,
            $"/hooks/{channel.Id}", edited.Keys.Order(StringComparer.Ordinal).ToList(),
            descriptor.ReceivesBy(new ChannelSettings(edited)).HasFlag(Receiving.Pulling), pulling.StatusOf(channel.Id, channel.Kind)));
    }

    /// <returns>the edited settings, and the names of the secrets in them that were kept from the stored ones.</returns>
    private static (Dictionary<string, string> Edited, IReadOnlySet<string> Kept) Merge(ChannelDescriptor descriptor, ChannelSettings stored, Dictionary<string, string?> given)
    {
        var edited = new Dictionary<string, string>(StringComparer.Ordinal);
        var keptSecrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (descriptor.IsSecret(name))
            {
                if (!string.IsNullOrWhiteSpace(value)) edited[name] = value;
                else if (value is not null && stored[name] is { } kept && keptSecrets.Add(name)) edited[name] = kept;
            }
            else if (!string.IsNullOrWhiteSpace(value))
            {
                edited[name] = value.Trim();
            }
        }
        foreach (var (name, value) in stored.Values)
            if (descriptor.IsSecret(name) && !given.ContainsKey(name) && keptSecrets.Add(name)) edited[name] = value;
        return (edited, keptSecrets);
    }

    private static async Task<ChannelSettings> StoredAsync(LiaisonDb db, ChannelSettingsProtector protector, long id, CancellationToken ct)
    {
        var record = await db.ChannelSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ChannelId == id, ct);
        return record is null ? ChannelSettings.Empty : protector.Unprotect(record.Protected);
    }
}
