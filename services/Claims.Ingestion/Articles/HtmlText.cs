using System.Diagnostics.CodeAnalysis;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using AngleSharp.Html.Parser.Tokens;

namespace Claims.Ingestion.Articles;

/// <summary>
/// Reduces an HTML page to its main text with a real HTML5 parser (AngleSharp), so that whatever a browser would make
/// of the markup (unclosed paragraphs, stray end tags, comments, CDATA, entities, scripts with "&lt;/p&gt;" in their
/// strings) is what the extractor reads. The main text is the page's longest &lt;article&gt;, else its &lt;main&gt;,
/// else its &lt;body&gt;; scripts, styles, navigation, footers, asides and forms are left out; block elements become
/// line breaks, so that sentences of different paragraphs never run together.
/// </summary>
/// <remarks>
/// The HTML5 tree builder takes quadratic time on deep nesting (each start tag looks through the stack of open
/// elements): 40,000 nested &lt;div&gt;s took 8 s, &lt;font&gt;s 4 s, and a request body could hold 200,000. So the
/// parse stops at <see cref="MaxDepth"/> elements left open, counted on the tokens as they come: browsers flatten a
/// page at a depth of 512 anyway, and news pages stay far below it.
/// </remarks>
public static class HtmlText
{
    private static readonly HashSet<string> s_skippedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "head", "svg", "math", "nav", "footer", "aside", "form", "iframe", "object", "button", "select",
    };

    private static readonly HashSet<string> s_blockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table", "section", "article", "header",
        "blockquote", "pre", "hr", "dd", "dt", "dl", "figure", "figcaption", "caption", "main", "address", "details", "summary",
    };

    /// <summary>How many elements a page may leave open inside one another.</summary>
    public const int MaxDepth = 1_000;

    // Elements that never hold others (void), and those the parser closes by itself when a sibling starts (an
    // unclosed <p> or <li> is the norm, not nesting): neither counts towards the depth.
    private static readonly HashSet<string> s_notNesting = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "keygen",
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "tbody", "thead", "tfoot", "colgroup", "caption", "rb", "rt", "rp",
        "html", "head", "body",
    };

    /// <summary>The page's main text, or <see langword="false"/> when it nests elements deeper than <see cref="MaxDepth"/>.</summary>
    public static bool TryToText(string html, [NotNullWhen(true)] out string? text)
    {
        var depth = 0;
        var options = new HtmlParserOptions
        {
            OnToken = (token, _) =>
            {
                if (token is HtmlTagToken { Type: HtmlTokenType.StartTag, IsSelfClosing: false } start && !s_notNesting.Contains(start.Name)
                    && ++depth > MaxDepth)
                {
                    throw new TooDeepException();
                }

                if (token is HtmlTagToken { Type: HtmlTokenType.EndTag } end && !s_notNesting.Contains(end.Name) && depth > 0)
                {
                    depth--;
                }
            },
        };
        IDocument document;
        try
        {
            // A parser per call: AngleSharp does not promise that one is safe to share between requests.
            document = new HtmlParser(options).ParseDocument(html);
        }
        catch (TooDeepException)
        {
            text = null;
            return false;
        }

        var builder = new StringBuilder(html.Length / 2);
        AppendText(MainContent(document), builder);
        text = Normalize(builder.ToString());
        return true;
    }

    /// <summary>Stops a parse from inside AngleSharp's token callback, the one way out it offers.</summary>
    private sealed class TooDeepException : Exception;

    private static INode MainContent(IDocument document)
    {
        // A page may hold teasers of other articles in <article> elements too: the longest is the one being read.
        var article = document.QuerySelectorAll("article").MaxBy(element => element.TextContent.Length);
        return article ?? document.QuerySelector("main") ?? (INode?)document.Body ?? document;
    }

    /// <summary>Depth first with a stack of its own: a page nested a hundred thousand levels deep must not overflow ours.</summary>
    private static void AppendText(INode root, StringBuilder text)
    {
        var pending = new Stack<(INode Node, bool Closing)>();
        pending.Push((root, false));
        while (pending.TryPop(out var entry))
        {
            var (node, closing) = entry;
            if (closing)
            {
                text.Append('\n');
                continue;
            }

            switch (node)
            {
                case IText textNode:
                    text.Append(textNode.Data);
                    continue;
                case IElement element when s_skippedElements.Contains(element.LocalName):
                    continue;
                case IElement element when s_blockElements.Contains(element.LocalName):
                    text.Append('\n');
                    pending.Push((node, true));
                    break;
                case IElement or IDocument or IDocumentFragment:
                    break;
                default:
                    // Comments, processing instructions, doctypes.
                    continue;
            }

            for (var child = node.LastChild; child is not null; child = child.PreviousSibling)
            {
                pending.Push((child, false));
            }
        }
    }

    /// <summary>Collapses runs of spaces inside lines and drops empty lines, keeping paragraphs apart.</summary>
    private static string Normalize(string text)
    {
        var lines = text.Split('\n')
            .Select(line => string.Join(' ', line.Split([' ', '\t', '\r', '\u00A0', '\u200B'], StringSplitOptions.RemoveEmptyEntries)))
            .Where(line => line.Length > 0);
        return string.Join('\n', lines);
    }
}
