namespace WebAvatar.Media;

/// <summary>How a <see cref="VideoFrame"/>'s pixels are arranged.</summary>
public enum VideoLayout
{
    /// <summary>One opaque picture filling the frame.</summary>
    Opaque,

    /// <summary>
    /// A picture with transparency in a frame twice its width: on the left its colour premultiplied by its opacity (black where
    /// fully transparent), on the right its opacity as grey (255 opaque). Premultiplied so that the codec's blur and the viewer's
    /// filtering mix colour and opacity alike, which keeps a dark or tinted halo out of the edge. Pages composite it with WebGL.
    /// </summary>
    ColorAlphaSideBySide,
}
