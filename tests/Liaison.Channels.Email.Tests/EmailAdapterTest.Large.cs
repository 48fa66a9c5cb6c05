namespace Liaison.Channels.Email.Tests;

/// <summary>
/// Measures allocation with the process-wide counter, so nothing else may run meanwhile: this class
/// sits in a collection that xUnit runs alone.
/// </summary>
[Collection(nameof(AloneForMemory))]
public sealed class LargeMailMemoryTest
{
    private static readonly Liaison.Core.Inbound.ChannelSettings Mailbox = new(new Dictionary<string, string> { ["address"] = Corpus.Owner });

    [Fact]
    public async Task Read_50MbAttachment_StreamsFromThePayloadWithoutHoldingIt()
    {
        var directory = Directory.CreateTempSubdirectory("liaison-large-");
        try
        {
            var path = LargeMail.Write(directory.FullName);
            await using var payload = File.OpenRead(path);
            var before = GC.GetTotalAllocatedBytes(precise: true);

            using var content = new EmailAdapter().Read(payload, Mailbox);
            var attachment = Assert.Single(content.Attachments);
            var sink = new CountingStream();
            await attachment.CopyToAsync(sink, TestContext.Current.CancellationToken);

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.Equal("Here is the recording.", content.Message.Text);
            Assert.Equal("recording.mp4", attachment.FileName);
            Assert.Equal(LargeMail.AttachmentBytes, sink.Count);
            // Everything allocated while parsing and decoding, garbage included, is a fraction of the file.
            Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB while streaming a 50 MB attachment");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

[CollectionDefinition(nameof(AloneForMemory), DisableParallelization = true)]
public sealed class AloneForMemory;
