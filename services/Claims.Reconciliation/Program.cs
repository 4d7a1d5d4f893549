using Claims.Messaging;
using Claims.Reconciliation;
using Claims.Reconciliation.Reliability;
using Claims.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:5102");

builder.AddServiceDefaults(ReconciliationExtensions.ServiceName);
builder.AddMessaging(bus => bus.AddReconciliationConsumers());
builder.AddReconciliation();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapReliabilityApi();

app.Run();
