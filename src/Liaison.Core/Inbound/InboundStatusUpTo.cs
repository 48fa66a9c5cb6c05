using NodaTime;

namespace Liaison.Core.Inbound;

/// <summary>
/// The provider reports that every one of our messages to <paramref name="CounterpartAddress"/> sent up
/// to <paramref name="At"/> reached <paramref name="State"/>, without naming them (Messenger's
/// delivery and read watermarks).
/// </summary>
public sealed record InboundStatusUpTo(string CounterpartAddress, Instant At, DeliveryState State) : InboundItem("", At);
