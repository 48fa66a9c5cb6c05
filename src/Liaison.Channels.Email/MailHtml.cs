using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Liaison.Channels.Email;

/// <summary>
/// Makes a mail's HTML safe to show inside the owner's UI: no scripts, event handlers, forms,
/// frames or plugins, and nothing that loads from the network when the message is opened.
/// </summary>
/// <remarks>
/// Remote images are tracking pixels as often as content, so, as mail clients do, their address
/// moves from <c>src</c> to <c>data-blocked-src</c>; the UI copies it back when the owner clicks
/// "show images". <c>cid:</c> images stay as they are: they point at a part of the same message,
/// stored as an attachment whose content id is that address. Links stay (a click is not a load).
/// </remarks>
public static class MailHtml
{
    public const string BlockedSourceAttribute = "data-blocked-src";

    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    /// <summary>The readable text of an HTML-only mail: blocks and breaks become line breaks; scripts and styles are dropped.</summary>
    public static string ToText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var text = new StringBuilder();
        Append(document.Body ?? (INode)document, text);
        return string.Join('\n', text.ToString().Split('\n').Select(line => line.Trim())).Trim();
    }

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(System.Text.RegularExpressions.Regex.Replace(t.Data, @"\s+", " "));
                    break;
                case IElement { LocalName: "script" or "style" or "head" or "title" }:
                    break;
                case IElement { LocalName: "br" }:
                    text.Append('\n');
                    break;
                case IElement e:
                    var block = e.LocalName is "p" or "div" or "tr" or "li" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote" or "table" or "ul" or "ol" or "pre";
                    if (block && text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    Append(e, text);
                    if (block && text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    break;
            }
        }
    }

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        foreach (var scheme in new[] { "http", "https", "mailto", "tel", "cid" })
            sanitizer.AllowedSchemes.Add(scheme);
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "optgroup", "textarea", "fieldset", "legend",
                     "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta", "base", "audio", "video", "source", "track" })
            sanitizer.AllowedTags.Remove(tag);
        // The UI's "show images" reads data-blocked-src; other data-* attributes are inert text.
        sanitizer.AllowDataAttributes = true;
        sanitizer.FilterUrl += (_, e) =>
        {
            var url = e.SanitizedUrl;
            if (url is null || e.Tag is null) return;
            var tag = e.Tag.LocalName;
            if (tag is "a" or "area") return;
            if (url.StartsWith("cid:", StringComparison.OrdinalIgnoreCase)) return;
            // Anything else here is a load: <img src>, background=, CSS url(...), poster, srcset.
            if (tag == "img" && string.Equals(e.Tag.GetAttribute("src"), e.OriginalUrl, StringComparison.Ordinal))
                e.Tag.SetAttribute(BlockedSourceAttribute, url);
            e.SanitizedUrl = null;
        };
        return sanitizer;
    }
}
