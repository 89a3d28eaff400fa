namespace WebAvatar.Benchmarks.Live;

/// <summary>
/// Finds when the avatar's mouth starts moving, from the browser's per-frame change grid. The mouth is located from the
/// data itself: the grid cells that change most while the avatar's audio plays relative to while it is silent (idle
/// motion: breathing sway and blinks, which move the eyes, not the mouth). A frame "speaks" when those cells change more
/// than they ever do in idle frames.
/// </summary>
internal sealed class MouthDetector
{
    private const int MouthCells = 4;
    private readonly int[] _cells;
    private readonly double _threshold;

    private MouthDetector(int[] cells, double threshold)
    {
        _cells = cells;
        _threshold = threshold;
    }

    public static MouthDetector? Calibrate(BrowserProbe probe, double avatarOn)
    {
        var avatar = probe.Audio.Select(a => (a.T, a.Avatar)).ToList();
        var talking = AudioActivity.Segments(avatar, avatarOn, 300);
        bool Near(double t, double margin) => talking.Any(s => t > s.Start - margin && t < s.End + margin);
        var speaking = probe.Frames.Where(f => Near(f.T, 0) && f.Cells.Length > 0).ToList();
        var idle = probe.Frames.Where(f => !Near(f.T, 1000) && f.Cells.Length > 0).ToList();
        if (speaking.Count < 10 || idle.Count < 10)
        {
            return null;
        }

        int n = speaking[0].Cells.Length;
        var cells = Enumerable.Range(0, n)
            .OrderByDescending(c => speaking.Average(f => f.Cells[c]) / (idle.Average(f => f.Cells[c]) + 0.05))
            .Take(MouthCells)
            .ToArray();
        var detector = new MouthDetector(cells, 0);
        double idleMax = Statistics.Percentile(idle.Select(f => detector.Signal(f.Cells)), 99.5);
        return new MouthDetector(cells, Math.Max(idleMax * 1.2, 0.5));
    }

    public double Signal(double[] cells) => _cells.Sum(c => cells[c]);

    /// <summary>The first frame in [from, to) whose mouth cells move beyond anything idle, or NaN.</summary>
    public double FirstMoving(BrowserProbe probe, double from, double to)
    {
        foreach (var (t, cells) in probe.Frames)
        {
            if (t >= from && t < to && cells.Length > 0 && Signal(cells) > _threshold)
            {
                return t;
            }
        }

        return double.NaN;
    }

    public override string ToString() => $"mouth cells [{string.Join(", ", _cells)}] of the 8x8 grid, threshold {_threshold:F2}";
}
