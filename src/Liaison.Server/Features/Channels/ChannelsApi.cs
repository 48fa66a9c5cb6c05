using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// Connected accounts: create one with its settings, list, change its settings (<see cref="EditChannelSettings"/>),
/// disconnect. Secrets go in and never come out. What each kind asks for and how it is checked is its
/// descriptor's (<see cref="ChannelDescriptor"/>); nothing here names a kind.
/// </summary>
public static class ChannelsApi
{
    public sealed record ConnectChannel([property: MaxLength(32)] string? Kind, [property: MaxLength(200)] string? Name, [property: MaxLength(4000)] Dictionary<string, string>? Settings);

    /// <param name="WebhookPath">where the provider posts deliveries (relative to this server's public address).</param>
    /// <param name="SettingNames">which settings are stored; their values are never returned.</param>
    /// <param name="Fetches">true for channels that fetch (a mailbox) instead of being posted to: their webhook path is unused.</param>
    /// <param name="Status">for channels that fetch: connecting, syncing n of N, idle, or failing with the server's words.</param>
    public sealed record ChannelView(long Id, string Kind, string Name, Instant ConnectedAt, Instant? DisconnectedAt, string WebhookPath, IReadOnlyList<string> SettingNames,
        bool Fetches = false, PullStatus? Status = null);

    public static RouteGroupBuilder MapChannels(this RouteGroupBuilder api)
    {
        // Channels hold the owner's mailbox passwords and webhook secrets: a team member's token gets 403 here.
        var channels = api.MapGroup("/channels").WithTags("Channels").RequireAuthorization(Auth.AuthServices.OwnerPolicy);
        channels.MapPost("/", Connect);
        channels.MapGet("/", List);
        channels.MapGet("/kinds", ChannelKinds.List);
        channels.MapDelete("/{id:long}", Disconnect);
        channels.MapChannelSettings();
        return api;
    }

    /// <summary>
    /// Checks the settings with the kind's descriptor (a bad one is refused naming its field), stores
    /// the channel, then runs the kind's connect step (a bot's setWebhook) with the public base URL;
    /// a step that refuses removes the channel again, so nothing half-connected stays.
    /// </summary>
    public static async Task<Created<ChannelView>> Connect(ConnectChannel request, System.Security.Claims.ClaimsPrincipal user, LiaisonDb db, ChannelDirectory directory, ChannelSettingsProtector protector,
        Inbound.PullingChannels pulling, ChannelDescriptors descriptors, IOptions<LiaisonOptions> options, IClock clock, CancellationToken ct)
    {
        var kind = RequestValues.Kind(request.Kind, "kind");
        var connectable = ChannelKinds.Connectable(directory, descriptors).Select(d => d.Kind).ToList();
        if (!connectable.Contains(kind))
            throw new DomainRuleException("channel.kind.unsupported",
                $"No channel of kind '{kind}' can be connected here; available: {string.Join(", ", connectable.Select(k => k.Value).Order())}.", "kind");
        var descriptor = descriptors.For(kind);
        var settings = request.Settings ?? [];
        var channel = new Channel(user.WorkspaceId(), kind, request.Name ?? "", clock.GetCurrentInstant());
        descriptor.Check(settings);
        await db.InTransactionAsync(async () =>
        {
            db.Channels.Add(channel);
            await db.SaveChangesAsync(ct);
            db.ChannelSettings.Add(new ChannelSettingsRecord(channel.Id, protector.Protect(settings)));
            return true;
        }, ct);
        try
        {
            await descriptor.ConnectAsync(new ChannelConnection(channel.Id, new ChannelSettings(settings), options.Value.PublicBaseUri), ct);
        }
        catch
        {
            await db.Channels.Where(c => c.Id == channel.Id).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
        directory.Forget(channel.Id);
        pulling.Refresh();
        return TypedResults.Created($"/api/channels/{channel.Id}", View(channel, settings.Keys) with { Fetches = Fetches(descriptor, settings) });
    }

    public static async Task<Ok<List<ChannelView>>> List(LiaisonDb db, ChannelSettingsProtector protector, Inbound.PullingChannels pulling, ChannelDescriptors descriptors, CancellationToken ct)
    {
        // The channels that only hold recorded history (HistoryChannels) are no accounts to show or edit.
        var channels = (await db.Channels.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct)).Where(c => !c.Kind.OnlyRecordsHistory).ToList();
        var settings = await db.ChannelSettings.AsNoTracking().ToDictionaryAsync(s => s.ChannelId, ct);
        return TypedResults.Ok(channels.Select(c =>
        {
            var values = settings.TryGetValue(c.Id, out var s) ? protector.Unprotect(s.Protected).Values : new Dictionary<string, string>();
            return View(c, values.Keys) with { Fetches = Fetches(descriptors.For(c.Kind), values), Status = pulling.StatusOf(c.Id, c.Kind) };
        }).ToList());
    }

    /// <summary>Disconnects (kept with its history), then runs the kind's disconnect step (deleteWebhook); a failing step is logged, the channel stays disconnected.</summary>
    public static async Task<Results<NoContent, NotFound>> Disconnect(long id, LiaisonDb db, ChannelDirectory directory, Inbound.PullingChannels pulling, ChannelDescriptors descriptors,
        ChannelSettingsProtector protector, IOptions<LiaisonOptions> options, ILoggerFactory loggers, IClock clock, CancellationToken ct)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null || channel.Kind.OnlyRecordsHistory) return TypedResults.NotFound();
        var wasConnected = channel.DisconnectedAt is null;
        channel.Disconnect(clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        directory.Forget(id);
        pulling.Refresh();
        if (wasConnected)
        {
            var stored = await db.ChannelSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ChannelId == id, ct);
            var settings = stored is null ? ChannelSettings.Empty : protector.Unprotect(stored.Protected);
            try
            {
                await descriptors.For(channel.Kind).DisconnectAsync(new ChannelConnection(id, settings, options.Value.PublicBaseUri), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                loggers.CreateLogger(typeof(ChannelsApi)).LogWarning(e, "The disconnect step of channel {ChannelId} ({Kind}) failed; the channel is disconnected here.", id, channel.Kind);
            }
        }
        return TypedResults.NoContent();
    }

    internal static bool Fetches(ChannelDescriptor descriptor, IReadOnlyDictionary<string, string> settings) =>
        descriptor.ReceivesBy(new ChannelSettings(settings)).HasFlag(Receiving.Pulling);

    private static ChannelView View(Channel c, IEnumerable<string> settingNames) =>
        new(c.Id, c.Kind.Value, c.Name, c.ConnectedAt, c.DisconnectedAt, $"/hooks/{c.Id}", settingNames.Order().ToList());
}
