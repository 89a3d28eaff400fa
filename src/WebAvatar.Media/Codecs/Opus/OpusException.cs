namespace WebAvatar.Media.Codecs.Opus;

public sealed class OpusException(string message) : Exception(message);
