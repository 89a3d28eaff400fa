using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebAvatar.LipSync;
using WebAvatar.LipSync.Parametric;

namespace WebAvatar.Cli;

/// <summary>
/// `webavatar prepare [--avatar PATH]`: the face analysis and the background matte of an avatar picture, into the avatar cache,
/// so the first session need not wait for them. Cheap when both are cached already.
/// </summary>
internal static class PrepareCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string? avatarPath, CancellationToken cancellationToken)
    {
        var path = AppPaths.Resolve(avatarPath ?? services.GetRequiredService<IOptions<AvatarOptions>>().Value.Path);
        var clock = Stopwatch.StartNew();
        var prepared = await services.GetRequiredService<ParametricAvatarRendererFactory>().PrepareAsync(path, cancellationToken).ConfigureAwait(false);
        var face = prepared.Analysis.Geometry.Face;
        Console.WriteLine($"Prepared {path} in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"face: {face.Width:F0}x{face.Height:F0} px at ({face.X:F0}, {face.Y:F0}){(prepared.Analysis.FromCache ? " (cached)" : string.Empty)}");
        Console.WriteLine(prepared.Matte is { } matte
            ? $"matte: {matte.Method}, {matte.Width}x{matte.Height}"
            : $"matte: none ({prepared.MatteProblem})");
        return 0;
    }
}
