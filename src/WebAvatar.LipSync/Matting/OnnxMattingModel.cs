using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using WebAvatar.Onnx;

namespace WebAvatar.LipSync.Matting;

/// <summary>
/// A portrait matting model on ONNX Runtime (models/README.md): input <c>image</c> float32 [1,3,H,W], RGB in 0..1, at the size the
/// model declares (<see cref="DefaultSize"/> square when its height and width are dynamic); output <c>alpha</c> [1,1,H,W] in 0..1,
/// resized back to the picture. A model with one input and one output may name them otherwise. Thread-safe (ONNX Runtime
/// sessions are).
/// </summary>
public sealed class OnnxMattingModel : IDisposable
{
    public const int DefaultSize = 512;
    public const string Method = "onnx";

    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly string _output;

    private OnnxMattingModel(InferenceSession session, string input, string output, int width, int height)
    {
        _session = session;
        _input = input;
        _output = output;
        Width = width;
        Height = height;
    }

    /// <summary>The size the picture is resized to before it enters the model.</summary>
    public int Width { get; }

    public int Height { get; }

    public static OnnxMattingModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new AvatarException($"Matting model '{path}' is missing; see models/README.md.");
        }

        InferenceSession session;
        try
        {
            session = OnnxSessions.Open(path, new OnnxSessionSettings(), NullLogger.Instance, out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new AvatarException($"Matting model '{path}' could not be loaded: {e.Message}", e);
        }

        try
        {
            var input = Pick(session.InputMetadata, "image", path, "input");
            var output = Pick(session.OutputMetadata, "alpha", path, "output");
            var dims = session.InputMetadata[input].Dimensions;
            if (dims.Length != 4 || dims[1] != 3 || session.InputMetadata[input].ElementDataType != TensorElementType.Float)
            {
                throw new AvatarException($"Matting model '{path}': input '{input}' is not float32 [1,3,H,W].");
            }

            return new OnnxMattingModel(session, input, output, dims[3] > 0 ? dims[3] : DefaultSize, dims[2] > 0 ? dims[2] : DefaultSize);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The matte of <paramref name="bgr"/> (8-bit BGR), at its size.</summary>
    public AlphaMatte Predict(Mat bgr, CancellationToken cancellationToken)
    {
        var input = ToPlanarRgb(bgr);
        using var runOptions = new RunOptions();
        using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, Height, Width]);
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            results = _session.Run(runOptions, [_input], [value], [_output]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        using (results)
        {
            var shape = results[0].GetTensorTypeAndShape().Shape;
            if (shape.Length != 4 || shape[0] != 1 || shape[1] != 1)
            {
                throw new AvatarException($"The matting model returned a [{string.Join(",", shape)}] tensor instead of alpha [1,1,H,W].");
            }

            int h = (int)shape[2], w = (int)shape[3];
            var alpha = results[0].GetTensorDataAsSpan<float>();
            var bytes = new byte[w * h];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)Math.Round(Math.Clamp(alpha[i], 0f, 1f) * 255f);
            }

            return new AlphaMatte(bgr.Width, bgr.Height, ResizeTo(bytes, w, h, bgr.Width, bgr.Height), Method);
        }
    }

    public void Dispose() => _session.Dispose();

    private static string Pick(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, string path, string what) =>
        nodes.ContainsKey(name) ? name
        : nodes.Count == 1 ? nodes.Keys.Single()
        : throw new AvatarException($"Matting model '{path}' has no {what} named '{name}' (it has {string.Join(", ", nodes.Keys)}).");

    private float[] ToPlanarRgb(Mat bgr)
    {
        using var sized = new Mat();
        if (bgr.Width == Width && bgr.Height == Height)
        {
            bgr.CopyTo(sized);
        }
        else
        {
            Cv2.Resize(bgr, sized, new Size(Width, Height), 0, 0, bgr.Width > Width ? InterpolationFlags.Area : InterpolationFlags.Linear);
        }

        var pixels = new byte[Width * Height * 3];
        System.Runtime.InteropServices.Marshal.Copy(sized.Data, pixels, 0, pixels.Length);
        int plane = Width * Height;
        var planar = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            planar[i] = pixels[(3 * i) + 2] / 255f;
            planar[plane + i] = pixels[(3 * i) + 1] / 255f;
            planar[(2 * plane) + i] = pixels[3 * i] / 255f;
        }

        return planar;
    }

    private static byte[] ResizeTo(byte[] alpha, int width, int height, int targetWidth, int targetHeight)
    {
        if (width == targetWidth && height == targetHeight)
        {
            return alpha;
        }

        using var source = Mat.FromPixelData(height, width, MatType.CV_8UC1, alpha);
        using var target = new Mat();
        Cv2.Resize(source, target, new Size(targetWidth, targetHeight), 0, 0, InterpolationFlags.Linear);
        var resized = new byte[targetWidth * targetHeight];
        System.Runtime.InteropServices.Marshal.Copy(target.Data, resized, 0, resized.Length);
        return resized;
    }
}
