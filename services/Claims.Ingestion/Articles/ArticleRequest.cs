using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Claims.Extraction;

namespace Claims.Ingestion.Articles;

/// <summary>The body of <c>POST /articles</c> and <c>POST /extract</c>, as in the public contract.</summary>
public sealed record ArticleRequest(string? Source, string? Url, string? Title, string? PublishedAt, string? Language, string? Text, string? Html);

/// <summary>A request that passed validation: the text to read and what is known about it.</summary>
public sealed record ValidArticle(string Source, string? Url, string? Title, DateTimeOffset PublishedAt, string? Language, string Text)
{
    /// <summary>The id of the article: from its url, or from its text when it has none, so a repost finds it again.</summary>
    public string ArticleId => Url is null ? "t" + Hash(Text)[..20] : "u" + Hash(NormalizedUrl(Url))[..20];

    public string ContentHash => Hash(Text);

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Scheme and host are case-insensitive and a fragment or trailing slash names the same page.</summary>
    private static string NormalizedUrl(string url)
    {
        var uri = new Uri(url);
        var path = uri.AbsolutePath.Length > 1 ? uri.AbsolutePath.TrimEnd('/') : "";
        return $"{uri.Scheme.ToLowerInvariant()}://{uri.Host.ToLowerInvariant()}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}{path}{uri.Query}";
    }
}

/// <summary>Validates a request; every problem a client can fix is reported by field, in words a person can act on.</summary>
public static class ArticleRequestValidation
{
    public const int MaxSourceLength = 200;
    public const int MaxUrlLength = 2048;
    public const int MaxTitleLength = 1000;
    private static readonly string[] s_languages = ["ru", "kk", "en"];

    public static (ValidArticle? Article, Dictionary<string, string[]> Errors) Validate(ArticleRequest request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();

        var source = request.Source?.Trim();
        if (string.IsNullOrEmpty(source))
        {
            errors["source"] = ["source is required: the outlet that published the article."];
        }
        else if (source.Length > MaxSourceLength)
        {
            errors["source"] = [$"source is longer than {MaxSourceLength} characters."];
        }

        string? text = null;
        if (!string.IsNullOrWhiteSpace(request.Text) && !string.IsNullOrWhiteSpace(request.Html))
        {
            errors["text"] = ["Send either text or html, not both."];
        }
        else if (!string.IsNullOrWhiteSpace(request.Text))
        {
            text = request.Text;
        }
        else if (!string.IsNullOrWhiteSpace(request.Html))
        {
            if (!HtmlText.TryToText(request.Html, out text))
            {
                errors["html"] = [$"The html nests elements more than {HtmlText.MaxDepth:N0} deep; send its text instead."];
            }
            else if (text.Length == 0)
            {
                errors["html"] = ["The html has no text in it."];
            }
        }
        else
        {
            errors["text"] = ["text (or html) is required."];
        }
        if (text is not null && text.Contains('\0', StringComparison.Ordinal))
        {
            errors["text"] = ["text contains NUL characters: it looks like binary data, not an article."];
        }
        else if (text is not null && !LanguageDetector.IsInReadableScript(text))
        {
            errors["text"] = ["text has no words in Russian, Kazakh or English (Cyrillic or Latin letters): Claims reads only those languages."];
        }

        var url = request.Url?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            url = null;
        }
        else if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors["url"] = [$"url must be an absolute http(s) address of at most {MaxUrlLength} characters."];
        }

        var title = string.IsNullOrWhiteSpace(request.Title) ? null : request.Title.Trim();
        if (title?.Length > MaxTitleLength)
        {
            errors["title"] = [$"title is longer than {MaxTitleLength} characters."];
        }

        string? language = null;
        if (!string.IsNullOrWhiteSpace(request.Language))
        {
            language = request.Language.Trim().ToLowerInvariant();
            if (!s_languages.Contains(language))
            {
                errors["language"] = [$"language '{request.Language}' is not supported: use ru, kk or en, or leave it out to have it detected."];
            }
        }

        DateTimeOffset? publishedAt = null;
        if (!string.IsNullOrWhiteSpace(request.PublishedAt))
        {
            publishedAt = ParseDate(request.PublishedAt.Trim());
            if (publishedAt is null)
            {
                errors["publishedAt"] = ["publishedAt must be a date (YYYY-MM-DD) or an ISO 8601 time with offset."];
            }
            else if (publishedAt.Value.Year < 1900 || publishedAt > now.AddDays(2))
            {
                errors["publishedAt"] = ["publishedAt must be after 1900 and not in the future."];
                publishedAt = null;
            }
        }
        else if (text is not null && DateLine.TryParse(text, out var dateLine))
        {
            publishedAt = new DateTimeOffset(dateLine, TimeOnly.MinValue, TimeSpan.Zero);
        }
        else if (text is not null)
        {
            errors["publishedAt"] = ["publishedAt is required unless the text starts with a ' date YYYY-MM-DD' line."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new ValidArticle(source!, url, title, publishedAt!.Value, language, text!), errors);
    }

    private static DateTimeOffset? ParseDate(string value)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date, TimeOnly.MinValue, TimeSpan.Zero);
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}
