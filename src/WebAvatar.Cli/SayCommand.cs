using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync;
using WebAvatar.Media;
using WebAvatar.Pipeline.Options;
using WebAvatar.Pipeline.Session;
using WebAvatar.Speech.Synthesis;

namespace WebAvatar.Cli;

/// <summary>`webavatar say "text" -o out.mp4`: renders a spoken, lip-synced MP4 through the live pipeline's stages.</summary>
internal static class SayCommand
{
    public sealed record Arguments(string Text, string Output, string? Avatar, string? Voice, string? LipSync, float? Speed);

    public static async Task<int> RunAsync(IServiceProvider services, Arguments args, CancellationToken cancellationToken)
    {
        var pipeline = services.GetRequiredService<IOptions<PipelineOptions>>().Value;
        var text = InputValidator.Validate(args.Text, pipeline.MaxInputChars);
        var avatar = services.GetRequiredService<IOptions<AvatarOptions>>().Value;
        var tts = services.GetRequiredService<IOptions<TtsOptions>>().Value;
        var avatarPath = AppPaths.Resolve(args.Avatar ?? avatar.Path);
        var voice = new TextToSpeechOptions
        {
            VoiceId = args.Voice ?? tts.DefaultVoiceId,
            Speed = args.Speed,
        };

        var clock = Stopwatch.StartNew();
        var factory = services.GetRequiredService<ConversationSessionFactory>().SelectRenderer(args.LipSync ?? avatar.LipSyncEngineName);
        using var renderer = await factory.CreateAsync(avatarPath, cancellationToken).ConfigureAwait(false);
        var speech = services.GetRequiredService<ITextToSpeechClient>();
        var offline = new OfflineRenderer(speech, renderer, voice, pipeline.MinSegmentChars);

        await using var writer = new Mp4FileWriter(args.Output, services.GetRequiredService<FfmpegRunner>());
        int speechFrames = 0;
        await foreach (var frame in offline.RenderAsync(text, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false))
        {
            using (frame)
            {
                speechFrames += frame.Speaking ? 1 : 0;
                await writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        double seconds = writer.FramesWritten * MediaTiming.VideoFrameMs / 1000.0;
        Console.WriteLine($"Wrote {args.Output}: {seconds:F2} s ({writer.FramesWritten} frames, {speechFrames} speaking) — lip-sync {renderer.EngineName}, voice {voice.VoiceId}, rendered in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
