using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Claims.Testing;

namespace Claims.Faults.Tests;

/// <summary>
/// Runs a function of <c>scripts/lib/infra.sh</c>, the code test.sh and run.sh start their servers with, so a private
/// server here is started exactly like the shared ones (PostgreSQL as user postgres when root, RabbitMQ with its plugins).
/// </summary>
internal static class InfraScript
{
    // Longer than start_rabbitmq's own deadline (240 s), so that its diagnostics, not a kill, end a slow start.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(300);

    public static async Task RunAsync(params string[] command)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("source \"$0\" && \"$@\"");
        start.ArgumentList.Add(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "lib", "infra.sh"));
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish in {s_timeout.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed with {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768 and up), so that while a stopped server's port is free no
    /// outgoing connection can take it as its local port and keep the server from coming back on it.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
        throw new InvalidOperationException("No free port between 20000 and 32000");
    }

    /// <summary>A temporary folder the postgres user can enter (PostgreSQL refuses to run as root and runs as postgres).</summary>
    public static string CreateDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        return directory.FullName;
    }
}
