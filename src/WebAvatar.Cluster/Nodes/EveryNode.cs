using Microsoft.Extensions.Logging;

namespace WebAvatar.Cluster.Nodes;

/// <summary>Asks several nodes' <see cref="INodeGrain"/>s at once, each given 2 s: a node that does not answer in time adds nothing.</summary>
internal static partial class EveryNode
{
    public static readonly TimeSpan AnswerTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The answers of the nodes in <paramref name="nodes"/> (silo key, name for the log) that answered <paramref name="ask"/> in time;
    /// the others are logged at <paramref name="unansweredLevel"/> and left out.
    /// </summary>
    public static async Task<IReadOnlyList<(string Silo, T Answer)>> AskAsync<T>(
        IGrainFactory grains,
        IEnumerable<(string Silo, string Name)> nodes,
        Func<INodeGrain, Task<T>> ask,
        ILogger logger,
        LogLevel unansweredLevel,
        CancellationToken cancellationToken)
    {
        var answers = nodes.Select(async node =>
        {
            try
            {
                var answer = await ask(grains.GetGrain<INodeGrain>(node.Silo)).WaitAsync(AnswerTime, cancellationToken).ConfigureAwait(false);
                return (node.Silo, Answered: true, Answer: answer);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogUnanswered(logger, unansweredLevel, node.Name, ex.Message);
                return (node.Silo, Answered: false, Answer: default(T)!);
            }
        });
        return (await Task.WhenAll(answers).ConfigureAwait(false)).Where(a => a.Answered).Select(a => (a.Silo, a.Answer)).ToList();
    }

    [LoggerMessage(Message = "Node {Node} did not answer: {Reason}")]
    private static partial void LogUnanswered(ILogger logger, LogLevel level, string node, string reason);
}
