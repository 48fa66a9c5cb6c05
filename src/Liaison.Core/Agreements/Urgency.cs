namespace Liaison.Core.Agreements;

/// <summary>How urgent an inbound message is. Stored as its name ("normal", "urgent").</summary>
public enum Urgency
{
    Normal,
    /// <summary>Answered within the urgent promise and not held for the next check window.</summary>
    Urgent,
}
