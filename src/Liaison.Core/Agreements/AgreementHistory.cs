using NodaTime;

namespace Liaison.Core.Agreements;

/// <summary>
/// All versions of one client's agreement, oldest first.
/// </summary>
/// <remarks>
/// Rules: versions are numbered 1, 2, 3… and each takes effect after the one before it. The version in
/// force at an instant is the last one whose <see cref="Agreement.EffectiveFrom"/> is at or before it;
/// a promise is made under the version in force when its message arrived and keeps those terms.
/// </remarks>
public sealed record AgreementHistory(IReadOnlyList<Agreement> Versions)
{
    /// <summary>A history holding the first version.</summary>
    public static AgreementHistory Start(Agreement first)
    {
        ArgumentNullException.ThrowIfNull(first);
        first.Validate();
        return new AgreementHistory([first with { Version = 1 }]);
    }

    /// <summary>The newest version.</summary>
    public Agreement Current => Versions[^1];

    /// <summary>The version in force at <paramref name="instant"/>, or null before the first took effect.</summary>
    public Agreement? InForceAt(Instant instant)
    {
        for (var i = Versions.Count - 1; i >= 0; i--)
            if (Versions[i].EffectiveFrom <= instant) return Versions[i];
        return null;
    }

    /// <summary>
    /// Records changed terms as a new version in force from <paramref name="effectiveFrom"/>. Throws
    /// <see cref="AgreementRuleException"/> when the terms break a rule or take effect before the
    /// current version does.
    /// </summary>
    public AgreementHistory Revise(Agreement changed, Instant effectiveFrom)
    {
        ArgumentNullException.ThrowIfNull(changed);
        if (effectiveFrom <= Current.EffectiveFrom)
            throw new AgreementRuleException("agreement.effective-before-current",
                $"A new version must take effect after version {Current.Version} ({Current.EffectiveFrom}); promises already made keep their terms.", "effectiveFrom");
        var next = changed with { Version = Current.Version + 1, EffectiveFrom = effectiveFrom };
        next.Validate();
        return new AgreementHistory([.. Versions, next]);
    }

    /// <summary>What changed in each version against the one before, newest last.</summary>
    public IReadOnlyList<(Agreement Version, IReadOnlyList<AgreementChange> Changes)> Changes()
    {
        var list = new List<(Agreement, IReadOnlyList<AgreementChange>)>();
        for (var i = 1; i < Versions.Count; i++)
            list.Add((Versions[i], AgreementDiff.Between(Versions[i - 1], Versions[i])));
        return list;
    }
}
