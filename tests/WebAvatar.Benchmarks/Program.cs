using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/WebAvatar.Benchmarks -- --filter '*'` runs every benchmark;
// `scripts/bench.sh` wraps it. Custom (non-BenchmarkDotNet) reports register in BenchCommands.
if (args.Length > 0 && WebAvatar.Benchmarks.BenchCommands.TryRun(args))
{
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
