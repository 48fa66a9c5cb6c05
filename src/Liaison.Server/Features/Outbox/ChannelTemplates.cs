using System.Text.Json;
using Liaison.Core;
using Liaison.Core.Channels;
using Liaison.Core.Outbound;
using Liaison.Server.Data;
using Liaison.Server.Features.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Liaison.Server.Features.Outbox;

/// <summary>A provider-approved template of one channel, as last fetched from the provider.</summary>
public sealed class ChannelTemplateRecord
{
    private ChannelTemplateRecord() { Name = Language = Category = Body = ParametersJson = ""; }

    public ChannelTemplateRecord(long channelId, ProviderTemplate template, Instant syncedAt)
    {
        ArgumentNullException.ThrowIfNull(template);
        ChannelId = channelId;
        Name = template.Name;
        Language = template.Language;
        Category = template.Category;
        Body = template.Body;
        ParametersJson = JsonSerializer.Serialize(template.Parameters);
        NamedParameters = template.NamedParameters;
        SyncedAt = syncedAt;
    }

    public long Id { get; private set; }
    public long ChannelId { get; private set; }
    public string Name { get; private set; }
    public string Language { get; private set; }
    public string Category { get; private set; }
    public string Body { get; private set; }
    /// <summary>The placeholders in order, as a JSON array of strings.</summary>
    public string ParametersJson { get; private set; }
    public bool NamedParameters { get; private set; }
    public Instant SyncedAt { get; private set; }

    public ProviderTemplate ToTemplate() =>
        new(Name, Language, Category, Body, JsonSerializer.Deserialize<List<string>>(ParametersJson) ?? [], NamedParameters);
}

internal sealed class ChannelTemplateRecordMapping : IEntityTypeConfiguration<ChannelTemplateRecord>
{
    public void Configure(EntityTypeBuilder<ChannelTemplateRecord> e)
    {
        e.ToTable("channel_templates");
        e.Property(t => t.Name).HasMaxLength(512);
        e.Property(t => t.Language).HasMaxLength(32);
        e.Property(t => t.Category).HasMaxLength(64);
        e.Property(t => t.Body).HasMaxLength(4096);
        e.Property(t => t.ParametersJson).HasMaxLength(4096);
        e.HasIndex(t => new { t.ChannelId, t.Name, t.Language }).IsUnique();
        e.HasOne<Channel>().WithMany().HasForeignKey(t => t.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// The templates each channel's provider approved, fetched through the channel's
/// <see cref="ITemplateSource"/> and kept, so the composer offers them without a provider round trip
/// and the queue can check a template against them. A sync replaces what a channel had.
/// </summary>
public sealed class ChannelTemplates(IDbContextFactory<LiaisonDb> dbs, ChannelDirectory directory, IEnumerable<ITemplateSource> sources, IClock clock)
{
    private const int MaxTemplates = 6000;
    // WhatsApp's limit for a body parameter's text.
    private const int MaxParameterLength = 1024;

    /// <param name="SyncedAt">when they were fetched; null when never.</param>
    public sealed record Listing(IReadOnlyList<ProviderTemplate> Templates, Instant? SyncedAt);

    public bool Offers(ChannelKind kind) => sources.Any(s => s.Kind == kind);

    public async Task<Listing> ListAsync(long channelId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rows = await db.Set<ChannelTemplateRecord>().AsNoTracking().Where(t => t.ChannelId == channelId).OrderBy(t => t.Name).ThenBy(t => t.Language).ToListAsync(ct);
        return new Listing(rows.Select(r => r.ToTemplate()).ToList(), rows.Count == 0 ? null : rows.Max(r => r.SyncedAt));
    }

    /// <summary>Fetches the channel's approved templates and keeps them in place of the earlier ones. A provider error is thrown with its words; what was kept stays.</summary>
    public async Task<Listing> SyncAsync(long channelId, CancellationToken ct)
    {
        var channel = await directory.FindAsync(channelId, ct);
        var kind = channel.Descriptor?.Kind;
        var source = sources.FirstOrDefault(s => s.Kind == kind);
        if (!channel.Exists || source is null)
            throw new DomainRuleException("channel.templates.none", $"Channel {channelId} is not connected or its provider has no templates.", "channelId");
        var fetched = (await source.FetchApprovedAsync(channel.Settings, ct))
            .Where(t => t.Name.Length <= 512 && t.Language.Length <= 32 && t.Body.Length <= 4096)
            .DistinctBy(t => (t.Name, t.Language)).Take(MaxTemplates).ToList();
        var now = clock.GetCurrentInstant();
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.InTransactionAsync(async () =>
        {
            await db.Set<ChannelTemplateRecord>().Where(t => t.ChannelId == channelId).ExecuteDeleteAsync(ct);
            db.Set<ChannelTemplateRecord>().AddRange(fetched.Select(t => new ChannelTemplateRecord(channelId, t, now)));
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        return new Listing(fetched.OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Language, StringComparer.Ordinal).ToList(), now);
    }

    /// <summary>
    /// The kept template <paramref name="requested"/> names, with its placeholders' names where it has
    /// named ones, and its text as the client will read it; a 400 naming the template field when the
    /// channel has no such approved template or the values don't fill its placeholders.
    /// </summary>
    public async Task<(OutboundTemplate Template, string Text)> CheckAsync(LiaisonDb db, long channelId, OutboundTemplate requested, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(requested);
        var row = await db.Set<ChannelTemplateRecord>().AsNoTracking()
            .FirstOrDefaultAsync(t => t.ChannelId == channelId && t.Name == requested.Name && t.Language == requested.Language, ct)
            ?? throw new DomainRuleException("message.template.unknown",
                $"The channel has no approved template '{requested.Name}' in '{requested.Language}'; sync the templates if it was approved since.", "template");
        var template = row.ToTemplate();
        var values = requested.Parameters ?? [];
        if (values.Count != template.Parameters.Count)
            throw new DomainRuleException("message.template.parameters",
                $"The template '{template.Name}' has {template.Parameters.Count} placeholder(s); {values.Count} value(s) were given.", "template");
        if (values.Any(string.IsNullOrWhiteSpace))
            throw new DomainRuleException("message.template.parameters", "Fill in every placeholder of the template.", "template");
        if (values.Any(v => v.Length > MaxParameterLength))
            throw new DomainRuleException("message.template.parameters", $"A placeholder's value is at most {MaxParameterLength} characters.", "template");
        var filled = values.Select(v => v.Trim()).ToList();
        return (requested with { Parameters = filled, ParameterNames = template.NamedParameters ? template.Parameters : null }, template.Fill(filled));
    }
}

/// <summary>The templates endpoints: team members read and sync them (they write the replies); connecting the account stays the owner's.</summary>
public static class ChannelTemplatesApi
{
    public sealed record TemplateView(string Name, string Language, string Category, string Body, IReadOnlyList<string> Parameters);

    public sealed record TemplatesView(long ChannelId, Instant? SyncedAt, IReadOnlyList<TemplateView> Templates)
    {
        public static TemplatesView From(long channelId, ChannelTemplates.Listing listing) =>
            new(channelId, listing.SyncedAt, listing.Templates.Select(t => new TemplateView(t.Name, t.Language, t.Category, t.Body, t.Parameters)).ToList());
    }

    public static RouteGroupBuilder MapChannelTemplates(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channels/{channelId:long}/templates").WithTags("Outbox");
        group.MapGet("", async Task<Results<Ok<TemplatesView>, NotFound>> (long channelId, LiaisonDb db, ChannelTemplates templates, CancellationToken ct) =>
                await db.Channels.AnyAsync(c => c.Id == channelId, ct) ? TypedResults.Ok(TemplatesView.From(channelId, await templates.ListAsync(channelId, ct))) : TypedResults.NotFound())
            .WithDescription("The provider-approved templates of a channel (WhatsApp), as last synced: what can go once a client's reply window has closed.");
        group.MapPost("/sync", async Task<Results<Ok<TemplatesView>, NotFound, ProblemHttpResult>> (long channelId, LiaisonDb db, ChannelTemplates templates, CancellationToken ct) =>
            {
                if (!await db.Channels.AnyAsync(c => c.Id == channelId, ct)) return TypedResults.NotFound();
                try
                {
                    return TypedResults.Ok(TemplatesView.From(channelId, await templates.SyncAsync(channelId, ct)));
                }
                catch (HttpRequestException e)
                {
                    return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "The provider could not list the templates.");
                }
            })
            .WithDescription("Fetches the channel's approved templates from the provider (WhatsApp: GET /{waba-id}/message_templates) in place of the kept ones; 502 with the provider's words when it refuses.");
        return api;
    }
}
