using System.Net;
using System.Text;

namespace Claims.Ingestion.Articles;

/// <summary>
/// Reduces an HTML page to its main text: the &lt;article&gt; (else &lt;main&gt;, else &lt;body&gt;) without scripts,
/// styles or tags, block elements as line breaks, entities decoded. One linear pass, no regex to backtrack.
/// </summary>
public static class HtmlText
{
    private static readonly HashSet<string> s_skippedElements = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "template", "head", "svg", "nav", "footer", "aside", "form" };

    private static readonly HashSet<string> s_blockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header", "blockquote", "pre", "hr", "dd", "dt", "figcaption",
    };

    public static string ToText(string html)
    {
        var main = MainContent(html);
        var text = new StringBuilder(main.Length);
        var i = 0;
        while (i < main.Length)
        {
            var c = main[i];
            if (c != '<')
            {
                text.Append(c);
                i++;
                continue;
            }
            if (main.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                var endOfComment = main.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = endOfComment < 0 ? main.Length : endOfComment + 3;
                continue;
            }
            var close = main.IndexOf('>', i + 1);
            if (close < 0)
            {
                break;
            }
            var name = TagName(main.AsSpan(i + 1, close - i - 1), out var isEndTag);
            i = close + 1;
            if (!isEndTag && s_skippedElements.Contains(name))
            {
                var end = main.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? main.Length : SkipPast(main, end);
                continue;
            }
            if (s_blockElements.Contains(name))
            {
                text.Append('\n');
            }
        }
        return Normalize(WebUtility.HtmlDecode(text.ToString()));
    }

    private static string MainContent(string html)
    {
        foreach (var element in (ReadOnlySpan<string>)["article", "main", "body"])
        {
            var start = html.IndexOf("<" + element, StringComparison.OrdinalIgnoreCase);
            var end = html.LastIndexOf("</" + element, StringComparison.OrdinalIgnoreCase);
            if (start >= 0 && end > start)
            {
                return html[start..end];
            }
        }
        return html;
    }

    private static int SkipPast(string html, int position)
    {
        var close = html.IndexOf('>', position);
        return close < 0 ? html.Length : close + 1;
    }

    private static string TagName(ReadOnlySpan<char> tag, out bool isEndTag)
    {
        isEndTag = tag.Length > 0 && tag[0] == '/';
        var start = isEndTag ? 1 : 0;
        var end = start;
        while (end < tag.Length && (char.IsAsciiLetterOrDigit(tag[end]) || tag[end] == '-'))
        {
            end++;
        }
        return tag[start..end].ToString();
    }

    /// <summary>Collapses runs of spaces inside lines and drops empty lines, keeping paragraphs apart.</summary>
    private static string Normalize(string text)
    {
        var lines = text.Split('\n')
            .Select(line => string.Join(' ', line.Split([' ', '\t', '\r', '\u00A0'], StringSplitOptions.RemoveEmptyEntries)))
            .Where(line => line.Length > 0);
        return string.Join('\n', lines);
    }
}
