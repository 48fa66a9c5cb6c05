using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using NodaTime;

namespace Liaison.Server.Components.Shared;

/// <summary>
/// An owner page rendered on the server circuit. Prerendering shows only the page's frame; the data is
/// read once the circuit is up and the browser's time zone is known, so a page load queries once and
/// every time on screen is in the owner's local time. <see cref="Ready"/> (rendered as data-ready)
/// tells a browser test that the page is interactive.
/// </summary>
public abstract class InteractivePage : ComponentBase
{
    [Inject] protected IJSRuntime JS { get; set; } = default!;
    [Inject] protected IClock Clock { get; set; } = default!;

    protected DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;
    protected bool Ready { get; private set; }
    protected string ReadyAttribute => Ready ? "true" : "false";
    protected Instant Now => Clock.GetCurrentInstant();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || !RendererInfo.IsInteractive) return;
        var browser = await JS.InvokeAsync<BrowserZone>("liaison.timeZone");
        Zone = Times.Zone(browser.Zone, browser.OffsetMinutes);
        await OnReadyAsync();
        Ready = true;
        StateHasChanged();
        await OnAfterReadyAsync();
    }

    /// <summary>Loads the page's data; runs once, on the circuit.</summary>
    protected abstract Task OnReadyAsync();

    protected virtual Task OnAfterReadyAsync() => Task.CompletedTask;

    private sealed record BrowserZone(string? Zone, int OffsetMinutes);
}
