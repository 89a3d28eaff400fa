using Microsoft.Extensions.Options;
using System.ComponentModel.DataAnnotations;

namespace WebAvatar.LipSync.Faces;

public enum FaceDetectorKind
{
    /// <summary>YuNet when its model file is present, else Haar.</summary>
    Auto,
    Haar,
    YuNet,
}

/// <summary>Which face detector the app uses (configuration section "FaceDetection", validated at start).</summary>
public sealed class FaceDetectionOptions : IValidatableObject
{
    public const string SectionName = "FaceDetection";

    public FaceDetectorKind Detector { get; set; } = FaceDetectorKind.Auto;

    /// <summary>YuNet's ONNX model (scripts/download-models.sh fetches it).</summary>
    public string YuNetModelPath { get; set; } = "models/face_detection_yunet_2023mar.onnx";

    /// <summary>Debian opencv-data's cascades: the frontal face (Haar detector) and the eyes (parametric face analysis).</summary>
    [Required]
    public string HaarCascadeDirectory { get; set; } = HaarFaceDetector.DefaultDirectory;

    public bool YuNetModelPresent => !string.IsNullOrEmpty(YuNetModelPath) && File.Exists(AppPaths.Resolve(YuNetModelPath));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Detector == FaceDetectorKind.YuNet && !YuNetModelPresent)
        {
            yield return new ValidationResult(
                $"FaceDetection:Detector is YuNet but its model '{AppPaths.Resolve(YuNetModelPath)}' is missing: run scripts/download-models.sh or set FaceDetection:YuNetModelPath.",
                [nameof(YuNetModelPath)]);
        }
    }
}

/// <summary>The rules of <see cref="FaceDetectionOptions"/> (its own Validate included), checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class FaceDetectionOptionsValidator : IValidateOptions<FaceDetectionOptions>;
