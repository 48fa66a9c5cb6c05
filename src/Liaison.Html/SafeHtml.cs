using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Css.Parser;
using AngleSharp.Dom;
using AngleSharp.Html;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Liaison.Html;

/// <summary>
/// Makes HTML from outside (a mail, a message recorded through the API) safe to show inside the owner's UI: no scripts, event handlers, forms,
/// frames or plugins, and nothing that loads from the network when the message is opened.
/// </summary>
/// <remarks>
/// <para>
/// Remote images are tracking pixels as often as content, so, as mail clients do, their address
/// moves from <c>src</c> to <c>data-blocked-src</c>; the frame takes it back only when the owner
/// clicks "show images" (<see cref="ForFrame"/>). <c>cid:</c> images stay as they are: they point at
/// a part of the same message, stored as an attachment whose content id is that address. Links stay
/// (a click is not a load).
/// </para>
/// <para>
/// The HTML is the sender's, so it is bounded before anything expensive touches it: over
/// <see cref="MaxChars"/>, nested deeper than <see cref="MaxDepth"/> (AngleSharp's serialiser
/// recurses per level, and a stack overflow ends the process), with more than
/// <see cref="MaxElements"/> elements, or taking longer than <see cref="Budget"/>, it is not shown
/// formatted: the message keeps its text, read by a linear scan, and says its formatting was
/// withheld. Every walk here uses an explicit stack.
/// </para>
/// </remarks>
public static class SafeHtml
{
    public const string BlockedSourceAttribute = "data-blocked-src";

    /// <summary>HTML longer than this (in characters) is not parsed; newsletters are 20–200 KB.</summary>
    public const int MaxChars = 2 * 1024 * 1024;

    /// <summary>Deepest element nesting shown formatted; real mail, reply chains included, stays well under 100.</summary>
    public const int MaxDepth = 256;

    /// <summary>Most elements a parse may create; the parser's re-opening of unclosed formatting can multiply the tags written.</summary>
    public const int MaxElements = 60_000;

    /// <summary>Longest text kept from HTML that is not shown formatted.</summary>
    public const int MaxTextChars = 1024 * 1024;

    /// <summary>Time one mail's HTML may take to parse and sanitise.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    /// <summary>What a mail's HTML became.</summary>
    /// <param name="Html">the sanitised HTML, or null when it was withheld.</param>
    /// <param name="Text">its readable text, when asked for (an HTML-only mail).</param>
    /// <param name="Withheld">it was too large or complex to sanitise safely: shown as text.</param>
    public sealed record Prepared(string? Html, string? Text, bool Withheld);

    /// <summary>
    /// Sanitises <paramref name="html"/> and, with <paramref name="withText"/>, reads its text (blocks
    /// and breaks become line breaks; scripts and styles are dropped), within the caps above. Throws <see cref="OperationCanceledException"/> only for <paramref name="ct"/>.
    /// </summary>
    public static Prepared Prepare(string html, bool withText, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (Parse(html, ct) is not { } parsed)
            return new Prepared(null, withText ? ScanText(html) : null, Withheld: true);
        using var document = parsed.Document;
        var text = withText ? TextOf(document.Body!) : null;
        var budget = parsed.Budget;
        CurrentBudget = budget;
        try
        {
            Sanitizer.SanitizeDom(document, document.Body);
            budget.Check();
            return new Prepared(document.Body!.ChildNodes.ToHtml(Sanitizer.OutputFormatter), text, Withheld: false);
        }
        catch (BudgetExceededException)
        {
            ct.ThrowIfCancellationRequested();
            return new Prepared(null, text ?? (withText ? ScanText(html) : null), Withheld: true);
        }
        finally
        {
            CurrentBudget = null;
        }
    }

    /// <summary>
    /// The document the mail frame shows: stored, sanitised <paramref name="html"/> with its
    /// <c>cid:</c> images pointed at <paramref name="inlineImages"/> (content id → URL) and, when
    /// <paramref name="showRemoteImages"/>, its blocked images let through, under a policy of its own
    /// that loads images only from us and <c>data:</c> until the owner allows remote ones. Null when
    /// the stored HTML is past the caps (stored before they existed): shown as text.
    /// </summary>
    /// <remarks>
    /// The references are rewritten in the parsed document, attribute by attribute: swapping text in
    /// the markup let a content id ending in a quote close the attribute and write new ones.
    /// </remarks>
    public static string? ForFrame(string html, IReadOnlyDictionary<string, string> inlineImages, bool showRemoteImages)
    {
        if (Parse(html, CancellationToken.None) is not { } parsed) return null;
        using var document = parsed.Document;
        foreach (var image in document.Body!.QuerySelectorAll("img"))
        {
            var source = image.GetAttribute("src");
            if (source is not null && source.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                if (inlineImages.TryGetValue(Uri.UnescapeDataString(source[4..]), out var url)) image.SetAttribute("src", url);
                else image.RemoveAttribute("src");
            }
            if (showRemoteImages && image.GetAttribute(BlockedSourceAttribute) is { } blocked)
            {
                image.SetAttribute("src", blocked);
                image.RemoveAttribute(BlockedSourceAttribute);
            }
        }
        var images = showRemoteImages ? "'self' data: https: http:" : "'self' data:";
        var policy = $"default-src 'none'; img-src {images}; style-src 'unsafe-inline'; font-src 'self' data:; base-uri 'none'; form-action 'none'";
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            + $"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">"
            + "<base target=\"_blank\"><style>body{font:15px/1.5 system-ui,sans-serif;margin:12px 14px;color:#1d2a28}img{max-width:100%;height:auto}</style></head><body>"
            + document.Body.ChildNodes.ToHtml(HtmlMarkupFormatter.Instance) + "</body></html>";
    }

    /// <summary>Whether a content id is safe to name a part by: the characters message ids use, nothing that could end an attribute or a URL.</summary>
    public static bool IsSafeContentId(string contentId) =>
        contentId.Length is > 0 and <= 250 && contentId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@' or '+' or '=' or '$' or '~' or '!' or '*');

    private sealed record ParsedHtml(IHtmlDocument Document, ParseBudget Budget);

    /// <summary>
    /// The mail's HTML parsed as a body fragment (as <see cref="HtmlSanitizer"/> would), or null when it is
    /// too large, nested too deep, has too many elements or took too long.
    /// </summary>
    private static ParsedHtml? Parse(string html, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (html.Length > MaxChars) return null;
        var (elements, depth) = Estimate(html);
        if (elements > MaxElements || depth > MaxDepth) return null;
        var budget = new ParseBudget(ct);
        CurrentBudget = budget;
        IHtmlDocument document;
        try
        {
            document = Parser.ParseDocument("<!doctype html><html><body>" + html);
        }
        catch (BudgetExceededException)
        {
            ct.ThrowIfCancellationRequested();
            return null;
        }
        finally
        {
            CurrentBudget = null;
        }
        if (document.Body is null || !WithinDepth(document.Body))
        {
            document.Dispose();
            return null;
        }
        return new ParsedHtml(document, budget);
    }

    /// <summary>Whether no element below <paramref name="root"/> is nested deeper than <see cref="MaxDepth"/>.</summary>
    private static bool WithinDepth(INode root)
    {
        var stack = new Stack<(INode Node, int Depth)>();
        stack.Push((root, 0));
        while (stack.TryPop(out var at))
        {
            if (at.Depth > MaxDepth) return false;
            for (var child = at.Node.FirstChild; child is not null; child = child.NextSibling)
                if (child.HasChildNodes) stack.Push((child, at.Depth + 1));
        }
        return true;
    }

    /// <summary>
    /// A linear look at the markup before parsing it: how many start tags, and how deep elements
    /// that need an end tag nest if every end tag closes one. Parsing costs more per level (the
    /// parser looks through its open elements for many tags), so a deep mail is turned away here.
    /// The tokenizer's rules for quoted attribute values, comments and raw text are followed, so
    /// a tag can't hide inside an attribute.
    /// </summary>
    internal static (int Elements, int Depth) Estimate(string html)
    {
        int elements = 0, depth = 0, deepest = 0, at = 0;
        while ((at = html.IndexOf('<', at)) >= 0 && at + 1 < html.Length)
        {
            var next = html[at + 1];
            if (next == '!')
            {
                at = html.AsSpan(at).StartsWith("<!--") ? EndOf(html, "-->", at + 4) : EndOf(html, ">", at + 2);
                continue;
            }
            if (next == '?')
            {
                at = EndOf(html, ">", at + 2);
                continue;
            }
            var closing = next == '/';
            var nameStart = closing ? at + 2 : at + 1;
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                at++;
                continue;
            }
            var nameEnd = nameStart;
            while (nameEnd < html.Length && !char.IsWhiteSpace(html[nameEnd]) && html[nameEnd] is not ('>' or '/')) nameEnd++;
            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            var (tagEnd, selfClosing) = EndOfTag(html, nameEnd);
            at = tagEnd;
            var nests = !IsVoid(name) && !ClosesItself(name);
            if (closing)
            {
                if (nests && depth > 0) depth--;
                continue;
            }
            elements++;
            if (IsRawText(name, out var endTag))
            {
                var end = html.IndexOf(endTag, at, StringComparison.OrdinalIgnoreCase);
                at = end < 0 ? html.Length : end;
                continue;
            }
            if (nests && !selfClosing) deepest = Math.Max(deepest, ++depth);
        }
        return (elements, deepest);
    }

    private static int EndOf(string html, string terminator, int from)
    {
        var end = from >= html.Length ? -1 : html.IndexOf(terminator, from, StringComparison.Ordinal);
        return end < 0 ? html.Length : end + terminator.Length;
    }

    /// <summary>Past the tag's closing <c>&gt;</c>, reading attribute values as the tokenizer does.</summary>
    private static (int End, bool SelfClosing) EndOfTag(string html, int at)
    {
        var previous = '\0';
        while (at < html.Length)
        {
            var c = html[at];
            if (c == '>') return (at + 1, previous == '/');
            if (c == '=')
            {
                at++;
                while (at < html.Length && char.IsWhiteSpace(html[at])) at++;
                if (at < html.Length && html[at] is '"' or '\'')
                {
                    var close = html.IndexOf(html[at], at + 1);
                    at = close < 0 ? html.Length : close + 1;
                    previous = '\0';
                    continue;
                }
                continue;
            }
            if (!char.IsWhiteSpace(c)) previous = c;
            at++;
        }
        return (html.Length, false);
    }

    private static bool IsVoid(ReadOnlySpan<char> name) => name.Length <= 8 && (
        name.Equals("br", StringComparison.OrdinalIgnoreCase) || name.Equals("img", StringComparison.OrdinalIgnoreCase)
        || name.Equals("hr", StringComparison.OrdinalIgnoreCase) || name.Equals("meta", StringComparison.OrdinalIgnoreCase)
        || name.Equals("link", StringComparison.OrdinalIgnoreCase) || name.Equals("input", StringComparison.OrdinalIgnoreCase)
        || name.Equals("col", StringComparison.OrdinalIgnoreCase) || name.Equals("area", StringComparison.OrdinalIgnoreCase)
        || name.Equals("base", StringComparison.OrdinalIgnoreCase) || name.Equals("wbr", StringComparison.OrdinalIgnoreCase)
        || name.Equals("source", StringComparison.OrdinalIgnoreCase) || name.Equals("track", StringComparison.OrdinalIgnoreCase)
        || name.Equals("embed", StringComparison.OrdinalIgnoreCase) || name.Equals("param", StringComparison.OrdinalIgnoreCase)
        || name.Equals("keygen", StringComparison.OrdinalIgnoreCase));

    /// <summary>Elements whose end tag may be left out: the next one of their kind closes them, so they don't nest.</summary>
    private static bool ClosesItself(ReadOnlySpan<char> name) => name.Length <= 8 && (
        name.Equals("p", StringComparison.OrdinalIgnoreCase) || name.Equals("li", StringComparison.OrdinalIgnoreCase)
        || name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase)
        || name.Equals("tr", StringComparison.OrdinalIgnoreCase) || name.Equals("dt", StringComparison.OrdinalIgnoreCase)
        || name.Equals("dd", StringComparison.OrdinalIgnoreCase) || name.Equals("option", StringComparison.OrdinalIgnoreCase)
        || name.Equals("optgroup", StringComparison.OrdinalIgnoreCase) || name.Equals("tbody", StringComparison.OrdinalIgnoreCase)
        || name.Equals("thead", StringComparison.OrdinalIgnoreCase) || name.Equals("tfoot", StringComparison.OrdinalIgnoreCase)
        || name.Equals("html", StringComparison.OrdinalIgnoreCase) || name.Equals("head", StringComparison.OrdinalIgnoreCase)
        || name.Equals("body", StringComparison.OrdinalIgnoreCase));

    private static bool IsRawText(ReadOnlySpan<char> name, out string endTag)
    {
        foreach (var raw in RawTextElements)
        {
            if (name.Equals(raw, StringComparison.OrdinalIgnoreCase))
            {
                endTag = "</" + raw;
                return true;
            }
        }
        endTag = "";
        return false;
    }

    private static readonly string[] RawTextElements = ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre",
    };

    private static readonly HashSet<string> SkippedElements = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "title" };

    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.Compiled);

    /// <summary>The text of a parsed body, walked with an explicit stack: blocks and breaks become line breaks.</summary>
    private static string TextOf(INode root)
    {
        var text = new StringBuilder();
        var stack = new Stack<(INode Node, bool Leaving)>();
        PushChildren(stack, root);
        while (stack.TryPop(out var at))
        {
            if (at.Leaving)
            {
                BreakLine(text);
                continue;
            }
            switch (at.Node)
            {
                case IText t:
                    text.Append(Whitespace.Replace(t.Data, " "));
                    break;
                case IElement e when SkippedElements.Contains(e.LocalName):
                    break;
                case IElement { LocalName: "br" }:
                    text.Append('\n');
                    break;
                case IElement e:
                    if (BlockElements.Contains(e.LocalName))
                    {
                        BreakLine(text);
                        stack.Push((e, true));
                    }
                    PushChildren(stack, e);
                    break;
            }
        }
        return Lines(text.ToString());
    }

    private static void PushChildren(Stack<(INode, bool)> stack, INode node)
    {
        for (var child = node.LastChild; child is not null; child = child.PreviousSibling) stack.Push((child, false));
    }

    private static void BreakLine(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
    }

    private static string Lines(string text) => string.Join('\n', text.Split('\n').Select(line => line.Trim())).Trim();

    /// <summary>
    /// The text of HTML that is not parsed (too large or complex): one pass over the markup, tags
    /// dropped, blocks and breaks as line breaks, scripts, styles and comments left out, entities
    /// decoded; at most <see cref="MaxTextChars"/>.
    /// </summary>
    internal static string ScanText(string html)
    {
        var text = new StringBuilder();
        var at = 0;
        while (at < html.Length && text.Length < MaxTextChars)
        {
            var open = html.IndexOf('<', at);
            var runEnd = open < 0 ? html.Length : open;
            if (runEnd > at) text.Append(Whitespace.Replace(WebUtility.HtmlDecode(html[at..Math.Min(runEnd, at + MaxTextChars)]), " "));
            if (open < 0) break;
            if (open + 1 >= html.Length) break;
            var next = html[open + 1];
            if (next == '!')
            {
                at = html.AsSpan(open).StartsWith("<!--") ? EndOf(html, "-->", open + 4) : EndOf(html, ">", open + 2);
                continue;
            }
            var closing = next == '/';
            var nameStart = closing ? open + 2 : open + 1;
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                if (next == '?')
                {
                    at = EndOf(html, ">", open + 2);
                    continue;
                }
                text.Append('<');
                at = open + 1;
                continue;
            }
            var nameEnd = nameStart;
            while (nameEnd < html.Length && !char.IsWhiteSpace(html[nameEnd]) && html[nameEnd] is not ('>' or '/')) nameEnd++;
            var name = html[nameStart..nameEnd];
            at = EndOfTag(html, nameEnd).End;
            if (name.Equals("br", StringComparison.OrdinalIgnoreCase)) text.Append('\n');
            else if (BlockElements.Contains(name)) BreakLine(text);
            else if (!closing && IsRawText(name, out var endTag) && !name.Equals("textarea", StringComparison.OrdinalIgnoreCase))
            {
                // Scripts, styles, the title: not text anyone wrote to the owner.
                var end = html.IndexOf(endTag, at, StringComparison.OrdinalIgnoreCase);
                at = end < 0 ? html.Length : end;
            }
        }
        var lines = Lines(text.ToString());
        return lines.Length > MaxTextChars ? lines[..MaxTextChars] : lines;
    }

    /// <summary>The time and cancellation a parse and sanitising must keep to, checked as they create elements and filter URLs.</summary>
    private sealed class ParseBudget(CancellationToken ct)
    {
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private int _elements;

        public void Created()
        {
            if (++_elements > MaxElements) throw new BudgetExceededException();
            if ((_elements & 63) == 0) Check();
        }

        public void Check()
        {
            if (ct.IsCancellationRequested || _elapsed.Elapsed > Budget) throw new BudgetExceededException();
        }
    }

    private sealed class BudgetExceededException : Exception;

    /// <summary>The budget of the parse or sanitising running on this thread (both are synchronous).</summary>
    [ThreadStatic]
    private static ParseBudget? CurrentBudget;

    private static readonly HtmlParser Parser = new(
        new HtmlParserOptions { IsScripting = true, OnCreated = (_, _) => CurrentBudget?.Created() },
        BrowsingContext.New(Configuration.Default.WithCss(new CssParserOptions
        {
            // As HtmlSanitizer's own parser, which it needs to sanitise style sheets and attributes.
            IsIncludingUnknownDeclarations = true,
            IsIncludingUnknownRules = true,
            IsToleratingInvalidSelectors = true,
        })));

    private static readonly HtmlSanitizer Sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer { HtmlParserFactory = () => Parser };
        sanitizer.AllowedSchemes.Clear();
        foreach (var scheme in new[] { "http", "https", "mailto", "tel", "cid" })
            sanitizer.AllowedSchemes.Add(scheme);
        foreach (var tag in new[] { "form", "input", "button", "select", "option", "optgroup", "textarea", "fieldset", "legend",
                     "iframe", "frame", "frameset", "object", "embed", "applet", "link", "meta", "base", "audio", "video", "source", "track" })
            sanitizer.AllowedTags.Remove(tag);
        // The UI's "show images" reads data-blocked-src; other data-* attributes are inert text.
        sanitizer.AllowDataAttributes = true;
        // Sanitising can't be interrupted from outside; the budget is checked on what it reports.
        sanitizer.RemovingTag += (_, _) => CurrentBudget?.Check();
        sanitizer.RemovingAttribute += (_, _) => CurrentBudget?.Check();
        sanitizer.RemovingStyle += (_, _) => CurrentBudget?.Check();
        sanitizer.FilterUrl += (_, e) =>
        {
            CurrentBudget?.Check();
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
