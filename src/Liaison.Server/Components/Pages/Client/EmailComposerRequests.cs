using Liaison.Server.Features.Timeline;

namespace Liaison.Server.Components.Pages.Client;

/// <summary>
/// Per circuit: a timeline entry's Reply button asks the client page's <c>EmailComposer</c> to open,
/// without threading a callback through every component in between.
/// </summary>
public sealed class EmailComposerRequests
{
    public event Action<TimelineApi.TimelineItem?>? Requested;

    /// <summary>Opens the composer: a reply to <paramref name="replyTo"/>, or a new e-mail when null.</summary>
    public void Open(TimelineApi.TimelineItem? replyTo) => Requested?.Invoke(replyTo);
}
