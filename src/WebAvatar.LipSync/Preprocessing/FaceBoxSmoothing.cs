namespace WebAvatar.LipSync.Preprocessing;

/// <summary>
/// Wav2Lip's get_smoothened_boxes: each box becomes the mean of itself and the next (window - 1) boxes
/// (the last boxes use the final full window), which removes detector jitter that would make the pasted mouth shake.
/// </summary>
public static class FaceBoxSmoothing
{
    public const int DefaultWindow = 5;

    public static FaceBox[] Smooth(IReadOnlyList<FaceBox> boxes, int window = DefaultWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new FaceBox[boxes.Count];
        for (int i = 0; i < boxes.Count; i++)
        {
            int start = i + window <= boxes.Count ? i : Math.Max(0, boxes.Count - window);
            int end = Math.Min(boxes.Count, start + window);
            double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
            for (int j = start; j < end; j++)
            {
                x1 += boxes[j].X1;
                y1 += boxes[j].Y1;
                x2 += boxes[j].X2;
                y2 += boxes[j].Y2;
            }

            int n = end - start;
            result[i] = new FaceBox((int)(x1 / n), (int)(y1 / n), (int)(x2 / n), (int)(y2 / n));
        }

        return result;
    }
}
