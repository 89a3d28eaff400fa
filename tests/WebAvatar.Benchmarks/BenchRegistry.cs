namespace WebAvatar.Benchmarks;

internal static partial class BenchRegistry
{
    /// <summary>Each bench file adds one line here.</summary>
    public static void RegisterAll()
    {
        EncodeBench.Register();
        IdleBench.Register();
        BenchCommands.Register("lipsync", LipSyncBench.RunAsync);
        BenchCommands.Register("tts", TtsBench.RunAsync);
        BenchCommands.Register("webrtc-send", WebRtcSendPathBench.RunReportAsync);
        Wav2LipBench.Register();
        WhisperBench.Register();
        AsrBench.Register();
        Live.SoakBench.Register();
        Live.LiveBench.Register();
        Live.CyclesBench.Register();
        Live.ConcurrencyBench.Register();
        Live.CapacityBench.Register();
    }
}
