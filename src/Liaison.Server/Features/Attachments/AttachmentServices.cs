using Liaison.Server.Data;
using Liaison.Server.Features.Timeline;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Features.Attachments;

public static class AttachmentServices
{
    /// <summary>The content-addressed store, and <see cref="MediaFetching"/> for media that arrive by reference.</summary>
    public static IServiceCollection AddLiaisonAttachments(this IServiceCollection services)
    {
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<Core.Attachments.IAttachmentFiles>(sp => sp.GetRequiredService<AttachmentStore>());
        services.AddKeyedSingleton(MediaFetching.Queue, (sp, _) => new Core.Background.WakeSignal(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<MediaFetching>();
        services.AddHostedService(sp => sp.GetRequiredService<MediaFetching>());
        return services;
    }

    /// <summary>An attachment still to be fetched from its channel, or one that could not be.</summary>
    /// <param name="State">fetching (waiting for its next attempt, at <paramref name="NextAttemptAt"/>) or failed (given up; POST …/retry tries again).</param>
    public sealed record PendingAttachmentView(long Id, string FileName, string ContentType, string State, int Attempts, NodaTime.Instant? NextAttemptAt, string? LastError)
    {
        public static PendingAttachmentView From(PendingAttachment a) => new(a.Id, Core.Text.TextSafety.Shown(a.FileName), a.ContentType,
            a.State == PendingAttachmentState.Failed ? "failed" : "fetching", a.Attempts, a.NextAttemptAt, a.LastError);
    }

    public static RouteGroupBuilder MapPendingAttachments(this RouteGroupBuilder api)
    {
        api.MapPost("/pending-attachments/{id:long}/retry", async Task<Results<NoContent, NotFound>> (long id, MediaFetching fetching, CancellationToken ct) =>
                await fetching.RetryAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithTags("Timeline")
            .WithDescription("Fetches an attachment that arrived by reference again now (after it was given up, or before its next attempt).");
        return api;
    }

    /// <summary>Adds the attachments of each message of <paramref name="items"/> still to be fetched (or that could not be).</summary>
    public static async Task<List<TimelineApi.TimelineItem>> WithPendingAttachments(LiaisonDb db, List<TimelineApi.TimelineItem> items, CancellationToken ct)
    {
        var ids = items.Where(i => i.Type == "message").Select(i => i.Id).ToList();
        if (ids.Count == 0) return items;
        var pending = (await db.PendingAttachments().AsNoTracking().Where(a => ids.Contains(a.MessageId)).OrderBy(a => a.Id).ToListAsync(ct))
            .ToLookup(a => a.MessageId);
        if (pending.Count == 0) return items;
        return items.Select(i => i.Type == "message" && pending.Contains(i.Id)
            ? i with { PendingAttachments = pending[i.Id].Select(PendingAttachmentView.From).ToList() }
            : i).ToList();
    }
}
