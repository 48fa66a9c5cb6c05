using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Liaison.Server.Features.Attachments;

/// <summary>
/// Attachment bytes on disk, addressed by their SHA-256: attachments/ab/cd/abcd…; the same file
/// arriving a thousand times is stored once. Streams in and out: nothing is held whole in memory.
/// </summary>
public sealed class AttachmentStore(IOptions<LiaisonOptions> options) : Core.Attachments.IAttachmentFiles
{
    private readonly string root = Path.Combine(options.Value.FullDataDirectory, "attachments");
    // Directories known to exist: creating one is a system call even when it exists, and a
    // mailbox's first sync stores thousands of attachments.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> created = new();

    public sealed record Stored(string Sha256, long Size);

    /// <summary>Stores what <paramref name="write"/> writes (an attachment decoded straight out of a mail), streaming.</summary>
    public async Task<Stored> SaveAsync(Func<Stream, CancellationToken, Task> write, long maxBytes, CancellationToken ct)
    {
        // The writer pushes, the store pulls: a pipe between them keeps only a small buffer in memory.
        var pipe = new System.IO.Pipelines.Pipe();
        var writing = Task.Run(async () =>
        {
            try
            {
                await using var into = pipe.Writer.AsStream(leaveOpen: true);
                await write(into, ct);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
            }
        }, ct);
        await using var from = pipe.Reader.AsStream(leaveOpen: true);
        try
        {
            return await SaveAsync(from, maxBytes, ct);
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await writing;
        }
    }

    /// <summary>Copies <paramref name="content"/> to a temporary file while hashing it, then moves it into place.</summary>
    /// <exception cref="Core.DomainRuleException">the content is larger than <paramref name="maxBytes"/>.</exception>
    public async Task<Stored> SaveAsync(Stream content, long maxBytes, CancellationToken ct)
    {
        var temp = Path.Combine(EnsureDirectory(Path.Combine(root, "incoming")), Guid.NewGuid().ToString("N"));
        try
        {
            long size = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, Data.PrivateFiles.NewFile(FileMode.CreateNew, 81920, async: true)))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                        throw new Core.DomainRuleException("attachment.too-large", $"An attachment is at most {maxBytes / (1024 * 1024)} MB.", "file");
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = PathOf(sha);
            if (File.Exists(target)) return new Stored(sha, size);
            EnsureDirectory(Path.GetDirectoryName(target)!);
            try { File.Move(temp, target); }
            catch (IOException) when (File.Exists(target)) { /* the same bytes arrived concurrently: one copy is enough */ }
            return new Stored(sha, size);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private string EnsureDirectory(string path)
    {
        if (!created.ContainsKey(path))
        {
            Data.PrivateFiles.CreateDirectory(path);
            created[path] = true;
        }
        return path;
    }

    public Stream? Open(string sha256)
    {
        var path = PathOf(sha256);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }

    public bool Exists(string sha256) => File.Exists(PathOf(sha256));

    /// <summary>Removes the bytes of <paramref name="sha256"/>; the caller has made sure no row refers to them.</summary>
    public void Delete(string sha256) => File.Delete(PathOf(sha256));

    private string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a lower-case SHA-256.", nameof(sha256));
        return Path.Combine(root, sha256[..2], sha256[2..4], sha256);
    }
}
