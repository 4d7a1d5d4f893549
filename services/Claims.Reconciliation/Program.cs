using Claims.Messaging;
using Claims.Reconciliation;
using Claims.Reconciliation.Reliability;
using Claims.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:5102");

builder.AddServiceDefaults(ReconciliationExtensions.ServiceName);
// Before the bus: hosted services stop in reverse order, so the group commit outlives the bus and finishes what it delivers.
builder.AddReconciliation();
builder.AddMessaging(bus => bus.AddReconciliationConsumers());

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapReliabilityApi();

app.Run();
