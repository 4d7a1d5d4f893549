namespace Claims.Messaging;

/// <summary>The parts of an <c>amqp://user:password@host:port/vhost</c> URI that MassTransit asks for one by one.</summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string Username, string Password)
{
    /// <summary>Parses an amqp URI; the vhost defaults to <c>/</c>, the credentials to guest.</summary>
    public static RabbitMqAddress Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "rabbitmq"))
        {
            throw new FormatException("The RabbitMQ address must look like amqp://user:password@host:5672/vhost.");
        }
        var credentials = Uri.UnescapeDataString(parsed.UserInfo).Split(':', 2);
        var virtualHost = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/'));
        return new RabbitMqAddress(
            parsed.Host,
            (ushort)(parsed.IsDefaultPort || parsed.Port <= 0 ? 5672 : parsed.Port),
            virtualHost.Length == 0 ? "/" : virtualHost,
            credentials[0].Length == 0 ? "guest" : credentials[0],
            credentials.Length > 1 ? credentials[1] : "guest");
    }
}
