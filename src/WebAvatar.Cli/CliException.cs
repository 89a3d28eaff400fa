namespace WebAvatar.Cli;

/// <summary>A failure caused by the user's input or environment: printed without a stack trace, exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
