using System.Data.Common;
using System.Runtime.CompilerServices;
using Liaison.Core.Agreements;
using Liaison.Core.Channels;
using Liaison.Core.Promises;
using Liaison.Server.Features.Inbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using NodaTime;

namespace Liaison.Server.Features.Promises;

/// <summary>A promise was made: what a listener needs to decide on an acknowledgement or a notification without reading it again.</summary>
public sealed record PromiseMade(
    long PromiseId, long MessageId, long ClientId, long ConversationId, long ChannelId, ChannelKind ChannelKind,
    Instant ReceivedAt, Instant DueAt, Urgency Urgency, UrgencyReason UrgencyReason, int AgreementVersion, int CalendarVersion);

/// <summary>
/// Publishes <see cref="LiveUpdates.PromisesMade"/> once the transaction that made the promises
/// commits, never before: a listener that reads or queues at once finds them stored. A transaction
/// rolled back publishes nothing. (A database transaction interceptor, so every path that makes
/// promises — inbound deliveries, the API, placing an unknown sender — is covered by one rule.)
/// </summary>
internal sealed class PromiseNotices(LiveUpdates live, ILogger<PromiseNotices> logger) : DbTransactionInterceptor
{
    private sealed class Pending
    {
        public Guid TransactionId;
        public List<PromiseMade> Made { get; } = [];
    }

    private static readonly ConditionalWeakTable<DbContext, Pending> pending = new();

    /// <summary>Remembers promises saved in the current transaction of <paramref name="db"/>.</summary>
    public static void Note(DbContext db, IEnumerable<PromiseRecord> made)
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Promises are made inside the transaction that records their messages.");
        var notes = pending.GetOrCreateValue(db);
        lock (notes)
        {
            // A pooled context's notes from a transaction that never committed are dropped, not published later.
            if (notes.TransactionId != transaction.TransactionId)
            {
                notes.Made.Clear();
                notes.TransactionId = transaction.TransactionId;
            }
            notes.Made.AddRange(made.Select(p => new PromiseMade(p.Id, p.MessageId, p.ClientId, p.ConversationId, p.ChannelId, p.ChannelKind,
                p.ReceivedAt, p.DueAt, p.Urgency, p.UrgencyReason, p.AgreementVersion, p.CalendarVersion)));
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Publish(eventData);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Publish(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData);
        return Task.CompletedTask;
    }

    private void Publish(TransactionEndEventData eventData)
    {
        var made = Take(eventData);
        if (made is not { Count: > 0 }) return;
        try
        {
            live.PublishPromisesMade(made);
            live.PublishQueue();
        }
        catch (AggregateException e)
        {
            // The promises are stored whatever a listener does: its failure is logged, not the commit's.
            logger.LogError(e, "A listener failed on {Count} promises made (first {PromiseId}).", made.Count, made[0].PromiseId);
        }
    }

    private static void Drop(TransactionEndEventData eventData) => Take(eventData);

    private static List<PromiseMade>? Take(TransactionEndEventData eventData)
    {
        if (eventData.Context is not { } context || !pending.TryGetValue(context, out var notes)) return null;
        lock (notes)
        {
            if (notes.TransactionId != eventData.TransactionId || notes.Made.Count == 0) return null;
            var made = notes.Made.ToList();
            notes.Made.Clear();
            return made;
        }
    }
}
