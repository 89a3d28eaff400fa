namespace WebAvatar.Benchmarks;

/// <summary>
/// Reports that are not micro-benchmarks (latency tables, fps at batch sizes): `bench NAME`.
/// Each entry prints its own table and ratios.
/// </summary>
internal static class BenchCommands
{
    private static readonly Dictionary<string, Func<string[], Task>> Commands = new(StringComparer.OrdinalIgnoreCase);

    public static void Register(string name, Func<string[], Task> run) => Commands[name] = run;

    public static bool TryRun(string[] args)
    {
        if (args[0] != "bench")
        {
            return false;
        }

        BenchRegistry.RegisterAll();
        if (args.Length < 2 || !Commands.TryGetValue(args[1], out var run))
        {
            Console.WriteLine("usage: bench <name>   names: " + string.Join(", ", Commands.Keys.Order()));
            return true;
        }

        run(args[2..]).GetAwaiter().GetResult();
        return true;
    }
}
