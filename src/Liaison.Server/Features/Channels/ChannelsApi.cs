using System.ComponentModel.DataAnnotations;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Liaison.Server.Features.Channels;

/// <summary>
/// Connected accounts: create one with its settings, list, change its settings (<see cref="EditChannelSettings"/>),
/// disconnect. Secrets go in and never come out.
/// </summary>
public static class ChannelsApi
{
    public sealed record ConnectChannel([property: MaxLength(32)] string? Kind, [property: MaxLength(200)] string? Name, [property: MaxLength(4000)] Dictionary<string, string>? Settings);

    /// <param name="WebhookPath">where the provider posts deliveries (relative to this server's public address).</param>
    /// <param name="SettingNames">which settings are stored; their values are never returned.</param>
    /// <param name="Fetches">true for channels that fetch (a mailbox) instead of being posted to: their webhook path is unused.</param>
    /// <param name="Status">for channels that fetch: connecting, syncing n of N, idle, or failing with the server's words.</param>
    public sealed record ChannelView(long Id, string Kind, string Name, Instant ConnectedAt, Instant? DisconnectedAt, string WebhookPath, IReadOnlyList<string> SettingNames,
        bool Fetches = false, Core.Inbound.PullStatus? Status = null);

    public static RouteGroupBuilder MapChannels(this RouteGroupBuilder api)
    {
        // Channels hold the owner's mailbox passwords and webhook secrets: a team member's token gets 403 here.
        var channels = api.MapGroup("/channels").WithTags("Channels").RequireAuthorization(Auth.AuthServices.OwnerPolicy);
        channels.MapPost("/", Connect);
        channels.MapGet("/", List);
        channels.MapDelete("/{id:long}", Disconnect);
        channels.MapChannelSettings();
        return api;
    }

    public static async Task<Created<ChannelView>> Connect(ConnectChannel request, System.Security.Claims.ClaimsPrincipal user, LiaisonDb db, ChannelDirectory directory, ChannelSettingsProtector protector,
        Inbound.PullingChannels pulling, IClock clock, CancellationToken ct)
    {
        var kind = RequestValues.Kind(request.Kind, "kind");
        if (directory.AdapterFor(kind) is null)
            throw new DomainRuleException("channel.kind.unsupported",
                $"No channel of kind '{kind}' can be connected here; available: {string.Join(", ", directory.Kinds.Select(k => k.Value).Order())}.", "kind");
        var settings = request.Settings ?? [];
        var channel = new Channel(user.WorkspaceId(), kind, request.Name ?? "", clock.GetCurrentInstant());
        ChannelSettingsRules.Check(kind, settings);
        await db.InTransactionAsync(async () =>
        {
            db.Channels.Add(channel);
            await db.SaveChangesAsync(ct);
            db.ChannelSettings.Add(new ChannelSettingsRecord(channel.Id, protector.Protect(settings)));
            return true;
        }, ct);
        directory.Forget(channel.Id);
        pulling.Refresh();
        return TypedResults.Created($"/api/channels/{channel.Id}", View(channel, settings.Keys) with { Fetches = pulling.Fetches(channel.Kind) });
    }

    public static async Task<Ok<List<ChannelView>>> List(LiaisonDb db, ChannelSettingsProtector protector, Inbound.PullingChannels pulling, CancellationToken ct)
    {
        // The channels that only hold recorded history (HistoryChannels) are no accounts to show or edit.
        var channels = (await db.Channels.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct)).Where(c => !c.Kind.OnlyRecordsHistory).ToList();
        var settings = await db.ChannelSettings.AsNoTracking().ToDictionaryAsync(s => s.ChannelId, ct);
        return TypedResults.Ok(channels.Select(c => View(c, settings.TryGetValue(c.Id, out var s) ? protector.Unprotect(s.Protected).Values.Keys : [])
            with { Fetches = pulling.Fetches(c.Kind), Status = pulling.StatusOf(c.Id, c.Kind) }).ToList());
    }

    public static async Task<Results<NoContent, NotFound>> Disconnect(long id, LiaisonDb db, ChannelDirectory directory, Inbound.PullingChannels pulling, IClock clock, CancellationToken ct)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (channel is null || channel.Kind.OnlyRecordsHistory) return TypedResults.NotFound();
        channel.Disconnect(clock.GetCurrentInstant());
        await db.SaveChangesAsync(ct);
        directory.Forget(id);
        pulling.Refresh();
        return TypedResults.NoContent();
    }

    private static ChannelView View(Channel c, IEnumerable<string> settingNames) =>
        new(c.Id, c.Kind.Value, c.Name, c.ConnectedAt, c.DisconnectedAt, $"/hooks/{c.Id}", settingNames.Order().ToList());
}
