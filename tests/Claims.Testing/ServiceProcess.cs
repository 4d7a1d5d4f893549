using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Claims.Testing;

/// <summary>
/// One Claims service running as a real process (the built dll, as in production), on a free port.
/// Its output is kept so a failing test can show what the service said.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Waits for the process to end by itself and for the last of its output to be read (<see cref="HasExited"/> turns
    /// true before that: a test reading <see cref="Output"/> then may miss the last lines); returns its exit code.
    /// </summary>
    public async Task<int> ExitedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} was still running after {timeout.TotalSeconds} s");
        }
        return _process.ExitCode;
    }

    /// <summary>Whether the test ended the process (<see cref="Kill"/> or dispose), rather than the process itself.</summary>
    public bool EndedByTest { get; private set; }

    /// <summary>The operating system's id of the service process, for reading its CPU time and memory from /proc.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Ends the process at once, as <c>kill -9</c> does (SIGKILL): no shutdown, no acknowledgements, no flushes.
    /// Fault tests use it to crash a service in the middle of its work.
    /// </summary>
    public void Kill()
    {
        EndedByTest = true;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>The last lines the service printed.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts <c>services/{name}/bin/{configuration}/net10.0/{name}.dll</c>, or the service published in
    /// <paramref name="publishedIn"/>, with the given configuration, on a free port or at <paramref name="address"/>
    /// (a restart keeps its predecessor's, so clients reconnect to it).
    /// </summary>
    public static ServiceProcess Start(string name, IReadOnlyDictionary<string, string> environment, Uri? address = null, string? publishedIn = null)
    {
        address ??= new Uri($"http://127.0.0.1:{FreePort()}");
        var start = StartInfo(name, [], environment, publishedIn);
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + name);
        return new ServiceProcess(name, process, address);
    }

    /// <summary>
    /// Runs one of a service's commands (<c>{name}.dll {arguments}</c>, such as the query service's <c>rebuild</c>) to
    /// its end, as an operator would; returns its exit code and everything it printed. It runs the solution's build, or
    /// the service published in <paramref name="publishedIn"/> (self-contained or not).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(
        string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string? publishedIn = null)
    {
        using var process = Process.Start(StartInfo(name, arguments, environment, publishedIn))
            ?? throw new InvalidOperationException("Could not start " + name);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', arguments)} did not finish in {timeout.TotalSeconds} s:\n{string.Join('\n', output)}");
        }

        return (process.ExitCode, string.Join('\n', output));
    }

    private static ProcessStartInfo StartInfo(
        string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string? publishedIn = null)
    {
        var dll = Path.Combine(
            publishedIn ?? Path.Combine(TestEnvironment.RepositoryRoot, "services", name, "bin", TestEnvironment.BuildConfiguration, "net10.0"),
            name + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} does not exist: build the solution first (scripts/test.sh does).");
        }
        // A self-contained publish carries its own runtime and starts through its executable.
        var executable = publishedIn is null ? null : Path.Combine(publishedIn, name);
        var start = new ProcessStartInfo(File.Exists(executable) ? executable : "dotnet", File.Exists(executable) ? [.. arguments] : [dll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // Tests post far faster than a client should: the limiter's own test sets a low rate.
        start.Environment["Security__ApiKeys__tests"] = TestEnvironment.ApiKey;
        start.Environment["Security__RateLimit__PermitsPerSecond"] = "100000";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return start;
    }

    /// <summary>A client that sends the run's API key, as a trusted writer would.</summary>
    public HttpClient CreateClient()
    {
        var client = CreateAnonymousClient();
        client.DefaultRequestHeaders.Add(TestEnvironment.ApiKeyHeader, TestEnvironment.ApiKey);
        return client;
    }

    /// <summary>A client without a key: what the public gets.</summary>
    public HttpClient CreateAnonymousClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Waits for <c>/health/ready</c>; fails with the service's output if it dies or never gets ready.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = CreateClient();
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds} s:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        EndedByTest = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
