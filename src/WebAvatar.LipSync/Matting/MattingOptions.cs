using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace WebAvatar.LipSync.Matting;

/// <summary>How a picture without a green or blue screen is separated from its background.</summary>
public enum MattingEngine
{
    /// <summary>The ONNX matting model when its file exists, else GrabCut.</summary>
    Auto,

    /// <summary>OpenCV's GrabCut seeded from the face; needs no model.</summary>
    GrabCut,

    /// <summary>The ONNX matting model at <see cref="MattingOptions.ModelPath"/> (models/README.md describes its interface).</summary>
    Onnx,
}

/// <summary>Settings of the configuration section "Matting". A green or blue screen is always chroma-keyed, whatever the engine.</summary>
public sealed class MattingOptions : IValidatableObject
{
    public const string SectionName = "Matting";

    /// <summary>The matting model, relative to the working directory or absolute.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ModelPath { get; set; } = "models/matting.onnx";

    [EnumDataType(typeof(MattingEngine))]
    public MattingEngine Engine { get; set; } = MattingEngine.Auto;

    public bool ModelPresent => !string.IsNullOrEmpty(ModelPath) && File.Exists(AppPaths.Resolve(ModelPath));

    /// <summary>The engine that segments: <see cref="MattingEngine.Auto"/> resolved against the model file.</summary>
    public MattingEngine EffectiveEngine => Engine == MattingEngine.Auto ? (ModelPresent ? MattingEngine.Onnx : MattingEngine.GrabCut) : Engine;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Engine == MattingEngine.Onnx && !ModelPresent)
        {
            yield return new ValidationResult(
                $"Matting:Engine is Onnx but the model '{AppPaths.Resolve(ModelPath)}' is missing: set Matting:ModelPath or Matting:Engine to Auto or GrabCut.",
                [nameof(ModelPath)]);
        }
    }
}

/// <summary>The rules of <see cref="MattingOptions"/> (its own Validate included), checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class MattingOptionsValidator : IValidateOptions<MattingOptions>;
