namespace WebAvatar.Benchmarks;

internal static partial class BenchRegistry
{
    /// <summary>Each bench file adds one line here.</summary>
    public static void RegisterAll()
    {
        WhisperBench.Register();
    }
}
