namespace WebAvatar.Media.Codecs.Av;

/// <summary>A libavcodec/libavutil call failed, or the installed libraries are not the ones the bindings were checked against.</summary>
public sealed class AvException(string message, Exception? inner = null) : Exception(message, inner);
