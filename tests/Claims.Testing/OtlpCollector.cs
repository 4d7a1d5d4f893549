using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Claims.Testing;

/// <summary>A span as an OTLP exporter sent it.</summary>
public sealed record CollectedSpan(string Service, string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name);

/// <summary>
/// A minimal OTLP/HTTP receiver (protobuf, <c>/v1/traces</c>) so tests can check what the services really export.
/// It decodes just the fields it needs from the wire format; logs and metrics are accepted and ignored.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public OtlpCollector()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }
        _listener.Prefixes.Add(Endpoint.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public ConcurrentBag<CollectedSpan> Spans { get; } = [];

    public IReadOnlyList<CollectedSpan> Trace(string traceId) => [.. Spans.Where(s => s.TraceId == traceId)];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
            {
                foreach (var span in DecodeTraces(body.ToArray()))
                {
                    Spans.Add(span);
                }
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; }
    private static IEnumerable<CollectedSpan> DecodeTraces(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1).Select(f => f.Bytes))
        {
            var service = "";
            foreach (var field in Fields(resourceSpans))
            {
                if (field.Number == 1)
                {
                    service = ServiceName(field.Bytes) ?? service;
                }
            }
            foreach (var scopeSpans in Fields(resourceSpans).Where(f => f.Number == 2).Select(f => f.Bytes))
            {
                var scope = Fields(scopeSpans).Where(f => f.Number == 1)
                    .SelectMany(f => Fields(f.Bytes)).Where(f => f.Number == 1).Select(f => Encoding.UTF8.GetString(f.Bytes)).FirstOrDefault() ?? "";
                foreach (var span in Fields(scopeSpans).Where(f => f.Number == 2).Select(f => f.Bytes))
                {
                    string traceId = "", spanId = "", name = "";
                    string? parent = null;
                    foreach (var field in Fields(span))
                    {
                        switch (field.Number)
                        {
                            case 1: traceId = Convert.ToHexStringLower(field.Bytes); break;
                            case 2: spanId = Convert.ToHexStringLower(field.Bytes); break;
                            case 4 when field.Bytes.Length > 0: parent = Convert.ToHexStringLower(field.Bytes); break;
                            case 5: name = Encoding.UTF8.GetString(field.Bytes); break;
                        }
                    }
                    yield return new CollectedSpan(service, scope, traceId, spanId, parent, name);
                }
            }
        }
    }

    /// <summary>Resource { repeated KeyValue attributes = 1; } KeyValue { string key = 1; AnyValue value = 2; } AnyValue { string string_value = 1; }</summary>
    private static string? ServiceName(byte[] resource)
    {
        foreach (var attribute in Fields(resource).Where(f => f.Number == 1).Select(f => f.Bytes))
        {
            var fields = Fields(attribute).ToList();
            var key = fields.Where(f => f.Number == 1).Select(f => Encoding.UTF8.GetString(f.Bytes)).FirstOrDefault();
            if (key == "service.name")
            {
                return fields.Where(f => f.Number == 2).SelectMany(f => Fields(f.Bytes)).Where(f => f.Number == 1)
                    .Select(f => Encoding.UTF8.GetString(f.Bytes)).FirstOrDefault();
            }
        }
        return null;
    }

    private readonly record struct Field(int Number, byte[] Bytes);

    /// <summary>The length-delimited fields of a protobuf message; varint and fixed fields are skipped.</summary>
    private static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: ReadVarint(message, ref position); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, message[position..(position + length)]);
                    position += length;
                    break;
                default: throw new InvalidDataException($"Unsupported protobuf wire type {key & 7}.");
            }
        }
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
