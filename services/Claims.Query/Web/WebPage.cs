using Microsoft.Extensions.FileProviders;

namespace Claims.Query.Web;

/// <summary>
/// Serves the web page at <c>/</c> from files embedded in this assembly (Web/wwwroot): plain ES modules and CSS, no
/// build step and nothing fetched from elsewhere.
/// </summary>
public static class WebPage
{
    /// <summary>
    /// Scripts, styles and data come from this service only. Article text is rendered as text by the page itself; the
    /// policy is the second line of defence, so that injected markup could not run a script even if it got through.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseWebPage(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(WebPage).Assembly, typeof(WebPage).Namespace + ".wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Revalidate every time (the ETag makes that cheap), so a new build's page is never mixed with old modules.
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }
}
