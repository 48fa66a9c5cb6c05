using Liaison.Core.Attachments;
using Liaison.Core.Channels;
using Liaison.Core.Clients;
using Liaison.Core.Contacts;
using Liaison.Core.Identities;
using Liaison.Core.Text;
using NodaTime;

namespace Liaison.Core.Tests.Text;

public class TextSafetyTest
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 1, 9, 0);
    private const string Spoofed = "invoice\u202Efdp.exe"; // reads "invoiceexe.pdf"

    public static TheoryData<char> EveryBidiControl() =>
        new(['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']);

    [Theory, MemberData(nameof(EveryBidiControl))]
    public void FileName_DropsEveryBidiControl(char control)
    {
        Assert.Equal("invoicefdp.exe", TextSafety.FileName($"invoice{control}fdp.exe"));
    }

    [Fact]
    public void FileName_DropsPathsAndControlCharacters_AndIsNeverEmpty()
    {
        Assert.Equal("passwd", TextSafety.FileName("../../etc/passwd"));
        Assert.Equal("a.txt", TextSafety.FileName("C:\\temp\\a\0.txt"));
        Assert.Equal("file", TextSafety.FileName("\u202E\u2066"));
        Assert.Equal("Отчёт.pdf", TextSafety.FileName("Отчёт.pdf"));
    }

    [Fact]
    public void Shown_MarksEachBidiControlVisibly_AndLeavesOtherTextAlone()
    {
        Assert.Equal("invoice⟨U+202E⟩fdp.exe", TextSafety.Shown(Spoofed));
        Assert.Equal("⟨U+200F⟩שלום⟨U+061C⟩", TextSafety.Shown("\u200Fשלום\u061C"));
        Assert.Equal("Anna Nowak", TextSafety.Shown("Anna Nowak"));
        Assert.Null(TextSafety.Shown(null));
    }

    [Fact]
    public void Name_KeepsRightToLeftLetters_WithoutTheControls()
    {
        Assert.Equal("محمد علي", TextSafety.Name("\u202Bمحمد علي\u202C "));
    }

    [Fact]
    public void Attachment_StoresItsFileNameWithoutBidiControls()
    {
        var attachment = Attachment.ForMessage(1, new string('a', 64), 10, Spoofed, "application/pdf", At);

        Assert.Equal("invoicefdp.exe", attachment.FileName);
    }

    [Fact]
    public void ClientContactAndUnknownSender_StoreTheirNamesWithoutBidiControls()
    {
        var client = new Client(1, "Acme \u202Enosmo", null, At);
        var contact = new Contact(1, "\u2067Anna\u2069 Nowak", null, At);
        var sender = new UnknownSender(ChannelKind.Email, "x@example.com", "Bank\u202E support", At);
        var nameless = new UnknownSender(ChannelKind.Email, "y@example.com", "\u202E", At);
        nameless.RecordMessage(At, "Yuri\u200F");

        Assert.Equal("Acme nosmo", client.Name);
        Assert.Equal("Anna Nowak", contact.Name);
        Assert.Equal("Bank support", sender.DisplayName);
        Assert.Equal("Yuri", nameless.DisplayName);
    }
}
