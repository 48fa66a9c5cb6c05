using Liaison.Core.Channels;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;

namespace Liaison.Server.Data;

internal sealed class ChannelKindConverter() : ValueConverter<ChannelKind, string>(k => k.Value, s => new ChannelKind(s));

/// <summary>
/// SQLite has no timestamp type: an instant is stored as Unix ticks (100 ns), which sorts and
/// compares in SQL exactly as the instant does, so keyset paging works on the raw column.
/// </summary>
internal sealed class InstantTicksConverter() : ValueConverter<Instant, long>(i => i.ToUnixTimeTicks(), t => Instant.FromUnixTimeTicks(t));
