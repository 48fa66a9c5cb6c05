using Liaison.Core.Channels;
using Liaison.Core.Inbound;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Liaison.Channels.Telegram;

/// <summary>
/// Fetches a Telegram file id: getFile answers the file's path (valid for at least an hour), then
/// <c>/file/bot&lt;token&gt;/&lt;file_path&gt;</c> gives the bytes. The path is asked for anew on every
/// attempt, so a retry never meets an expired one. Bots may download files up to 20 MB.
/// </summary>
public sealed class TelegramMediaFetcher(TelegramBots bots) : IMediaFetcher
{
    public ChannelKind Kind => ChannelKind.Telegram;

    public async Task<FetchedMedia> FetchAsync(string providerMediaId, ChannelSettings settings, CancellationToken ct)
    {
        if (settings[TelegramDescriptor.BotToken] is not { Length: > 0 } token)
            throw new MediaGoneException("The channel has no bot token to fetch files with; add it in its settings, then Retry.");
        var bot = bots.For(token.Trim());
        global::Telegram.Bot.Types.TGFile file;
        try
        {
            file = await bot.GetFile(providerMediaId, ct);
        }
        catch (ApiRequestException e) when (e.ErrorCode is 400 or 401 or 403 or 404)
        {
            // "Bad Request: file is too big", "invalid file_id", a revoked token: asking again won't change it.
            throw new MediaGoneException($"Telegram answered {e.ErrorCode}: {e.Message}", e);
        }
        catch (ApiRequestException e)
        {
            throw new HttpRequestException($"Telegram answered {e.ErrorCode}: {e.Message}", e);
        }
        if (string.IsNullOrEmpty(file.FilePath)) throw new MediaGoneException("Telegram gave no path to download this file from (it may be over the 20 MB bots can download).");

        // Streamed to a file of its own, not held in memory; removed when the caller closes it.
        var buffer = new FileStream(Path.Combine(Path.GetTempPath(), "liaison-telegram-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await bot.DownloadFile(file.FilePath, buffer, ct);
            buffer.Position = 0;
            return new FetchedMedia(buffer);
        }
        catch (Exception e) when (e is ApiRequestException or RequestException)
        {
            await buffer.DisposeAsync();
            throw new HttpRequestException($"Downloading the Telegram file failed: {e.Message}", e);
        }
        catch
        {
            await buffer.DisposeAsync();
            throw;
        }
    }
}
