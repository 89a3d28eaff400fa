using Microsoft.Extensions.Logging.Abstractions;
using WebAvatar.Speech.Tests.Recognition;
using WebAvatar.Speech.Tests.Vad;
using WebAvatar.Speech.Vad;
using Xunit.Abstractions;

namespace WebAvatar.Speech.Tests.Tmp;

public class OnsetProbe(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        using var model = new SileroVadModel(Path.Combine(TestPaths.RepoRoot, "models", "silero_vad_v5.onnx"), NullLogger.Instance);
        foreach (var text in new[] { "Stop please, I have a question for you.", "Hello there.", "Wait a moment." })
        {
            var (audio, speech) = SpeechTestAudio.Compose([SpeechTestAudio.Speak(text)], [0.5, 0.5]);
            using var stream = model.CreateStream();
            var line = "";
            for (int w = 0; w * 512 + 512 <= audio.Length; w++)
            {
                var win = audio.AsSpan(w * 512, 512);
                var p = stream.Process(win);
                double sum = 0; foreach (var x in win) sum += x * x;
                var rms = Math.Sqrt(sum / 512);
                long rel = w * 512 - speech[0].Start;
                if (rel >= -1024 && rel < 512 * 10) line += $"[{rel * 1000 / 16000}ms rms={rms:F3} p={p:F2}] ";
            }
            output.WriteLine(text + ": " + line);
        }
    }
}
