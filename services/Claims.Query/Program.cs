using Claims.Query;
using Claims.Query.Articles;
using Claims.Query.Changes;
using Claims.Query.ClaimsReadModel;
using Claims.Query.Conflicts;
using Claims.Query.Operations;
using Claims.Query.Sources;
using Claims.Query.Web;
using Claims.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:5103");

builder.AddServiceDefaults(QueryExtensions.ServiceName);
builder.AddQuery();

var app = builder.Build();

// An operator's command instead of the service: the same configuration, none of the hosted services started.
if (args is [RebuildCommand.Name, ..])
{
    return await RebuildCommand.RunAsync(app.Services, args);
}

app.MapDefaultEndpoints();
app.UseWebPage();
app.MapOpenApi();
app.MapClaimsApi();
app.MapArticlesApi();
app.MapSourcesApi();
app.MapConflictsApi();
app.MapChangesApi();
app.MapDeadLettersApi();

app.Run();
return 0;
