using Claims.Query;
using Claims.Query.ClaimsReadModel;
using Claims.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:5103");

builder.AddServiceDefaults(QueryExtensions.ServiceName);
builder.AddQuery();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapClaimsApi();

app.Run();
