using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebAvatar.Testing;

/// <summary>Keeps what a host logs at <paramref name="minLevel"/> or above (warnings and errors by default) so tests can show and assert on it.</summary>
public sealed class CapturingLoggerProvider(LogLevel minLevel = LogLevel.Warning) : ILoggerProvider
{
    private readonly LogLevel _minLevel = minLevel;

    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
