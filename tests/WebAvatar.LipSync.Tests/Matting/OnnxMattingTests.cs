using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using WebAvatar.LipSync.Matting;

namespace WebAvatar.LipSync.Tests.Matting;

/// <summary>
/// The ONNX matting engine on a generated model (tools/gen_matting_model.py) whose output is known exactly:
/// alpha = min(255, 2 * max(0, r - g)) for each pixel's 8-bit red and green.
/// </summary>
public sealed class OnnxMattingTests
{
    private const int ModelSize = 64;

    internal static readonly Lazy<string> Model = new(() => Generate(ModelSize, "matting_64.onnx"));

    private static readonly Lazy<string> DynamicModel = new(() => Generate(0, "matting_dynamic.onnx"));

    private static string Generate(int size, string name)
    {
        var path = Path.Combine(TestAssets.NewTempDirectory(), name);
        ModelTools.Generate("gen_matting_model.py", "--size", size.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path);
        return path;
    }

    private static byte Expected(Vec3b bgr) => (byte)Math.Min(255, 2 * Math.Max(0, bgr.Item2 - bgr.Item1));

    [Fact]
    public void The_model_runs_on_rgb_in_0_to_1_and_its_alpha_comes_back_exactly()
    {
        using var picture = new Mat(ModelSize, ModelSize, MatType.CV_8UC3);
        Cv2.Randu(picture, Scalar.All(0), Scalar.All(256));
        using var matting = new AvatarMatting(TestAssets.NewTempDirectory(), MattingEngine.Onnx, Model.Value);

        var matte = matting.GetMatte(picture, "sha-onnx", face: null, CancellationToken.None);

        Assert.Equal(OnnxMattingModel.Method, matte.Method);
        Assert.Null(matte.Screen);
        for (int y = 0; y < ModelSize; y++)
        {
            for (int x = 0; x < ModelSize; x++)
            {
                Assert.Equal(Expected(picture.At<Vec3b>(y, x)), matte[x, y]);
            }
        }

        Assert.Contains(matte.Alpha, a => a is > 0 and < 255); // the random picture reaches the clipped and the graded range
    }

    [Fact]
    public void A_picture_of_another_size_is_resized_to_the_models_input_and_its_matte_back_to_the_picture()
    {
        // Two flat halves: resizing keeps their values away from the seam, so they stay exact.
        using var picture = new Mat(150, 200, MatType.CV_8UC3, new Scalar(10, 20, 90));
        picture[new Rect(100, 0, 100, 150)].SetTo(new Scalar(10, 200, 30));
        using var model = OnnxMattingModel.Load(Model.Value);

        var matte = model.Predict(picture, CancellationToken.None);

        Assert.Equal((200, 150), (matte.Width, matte.Height));
        Assert.Equal(140, matte[20, 75]);  // 2 * (90 - 20)
        Assert.Equal(0, matte[180, 75]);   // green: clear
    }

    [Fact]
    public void A_model_with_dynamic_height_and_width_runs_at_512()
    {
        using var model = OnnxMattingModel.Load(DynamicModel.Value);
        Assert.Equal((OnnxMattingModel.DefaultSize, OnnxMattingModel.DefaultSize), (model.Width, model.Height));
        using var picture = new Mat(100, 80, MatType.CV_8UC3, new Scalar(0, 100, 150));
        Assert.All(model.Predict(picture, CancellationToken.None).Alpha, a => Assert.Equal(100, a));
    }

    [Fact]
    public void Auto_takes_the_model_when_its_file_exists_and_a_green_screen_is_still_keyed()
    {
        var config = new Dictionary<string, string?> { ["Matting:ModelPath"] = Model.Value, ["Avatar:CacheDirectory"] = TestAssets.NewTempDirectory() };
        using var provider = Services(config);
        var matting = Assert.IsType<AvatarMatting>(provider.GetRequiredService<IAvatarMatting>());
        Assert.Equal(OnnxMattingModel.Method, matting.Segmenter);

        using var screen = SyntheticPortrait.Draw(ModelSize * 2, ModelSize * 2, SyntheticPortrait.Backdrop.GreenScreen);
        Assert.Equal("chroma-key (green)", matting.GetMatte(screen.Picture, "sha-screen", null, CancellationToken.None).Method);
    }

    [Fact]
    public void Auto_without_the_model_file_segments_with_grabcut()
    {
        var config = new Dictionary<string, string?> { ["Matting:ModelPath"] = Path.Combine(TestAssets.NewTempDirectory(), "absent.onnx") };
        using var provider = Services(config);
        Assert.Equal("grabcut", Assert.IsType<AvatarMatting>(provider.GetRequiredService<IAvatarMatting>()).Segmenter);
    }

    [Fact]
    public async Task Engine_onnx_without_the_model_fails_at_start_naming_the_path()
    {
        var missing = Path.Combine(TestAssets.NewTempDirectory(), "absent.onnx");
        using var provider = Services(new() { ["Matting:Engine"] = "Onnx", ["Matting:ModelPath"] = missing });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.Contains(missing, error.Message);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddLipSync()
            .BuildServiceProvider();
}
