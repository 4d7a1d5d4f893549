using System.Globalization;

namespace Claims.Benchmarks.Profiling;

/// <summary>CPU time and memory of processes, read from /proc (Linux only; elsewhere everything reads as zero).</summary>
public static class ProcessStats
{
    /// <summary>USER_HZ: the unit of the times in /proc/&lt;pid&gt;/stat, 100 on every Linux this runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU seconds of one process; 0 when it is gone.</summary>
    public static double CpuSeconds(int pid) => Stat(pid) is { } stat ? (stat.UserTicks + stat.SystemTicks) / TicksPerSecond : 0;

    /// <summary>
    /// CPU seconds of a process and all its live children (PostgreSQL's backends are children of the postmaster),
    /// plus what the process's reaped children used.
    /// </summary>
    public static double TreeCpuSeconds(int root)
    {
        if (Stat(root) is not { } rootStat)
        {
            return 0;
        }
        var ticks = rootStat.UserTicks + rootStat.SystemTicks + rootStat.ChildUserTicks + rootStat.ChildSystemTicks;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != root && Stat(pid) is { } stat && stat.ParentId == root)
            {
                ticks += stat.UserTicks + stat.SystemTicks;
            }
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>Busy and total CPU seconds of the whole machine (all cores), from /proc/stat.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4];
            return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    /// <summary>Peak (VmHWM) and current (VmRSS) resident memory in MB; zeros when the process is gone.</summary>
    public static (double PeakMb, double CurrentMb) Memory(int pid)
    {
        try
        {
            double Field(string[] lines, string name) =>
                lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                    ? long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0
                    : 0;
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return (Field(status, "VmHWM:"), Field(status, "VmRSS:"));
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    private sealed record ProcStat(int ParentId, long UserTicks, long SystemTicks, long ChildUserTicks, long ChildSystemTicks);

    private static ProcStat? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
            return new ProcStat((int)Field(4), Field(14), Field(15), Field(16), Field(17));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
