using Claims.Ingestion;
using Claims.Ingestion.Articles;
using Claims.Messaging;
using Claims.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:5101");

builder.AddServiceDefaults(IngestionExtensions.ServiceName);
builder.AddMessaging();
builder.AddIngestion();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapArticlesApi();

app.Run();
