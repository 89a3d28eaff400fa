using System.Text.Json;

namespace WebAvatar.Web.Tests.Api;

/// <summary>Reads a Server-Sent Events response in the background and keeps every event with the time it arrived.</summary>
internal sealed class SseReader : IAsyncDisposable
{
    private readonly List<(string Type, JsonElement Data, DateTime At)> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private SseReader(Stream body) => _reading = Task.Run(() => ReadAsync(body));

    public bool Completed => _reading.IsCompleted;

    public IReadOnlyList<(string Type, JsonElement Data, DateTime At)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static async Task<SseReader> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            throw new InvalidOperationException($"Not an event stream: {response.Content.Headers.ContentType}");
        }

        return new SseReader(await response.Content.ReadAsStreamAsync());
    }

    public async Task<(string Type, JsonElement Data, DateTime At)> WaitForAsync(Func<string, JsonElement, bool> match, TimeSpan timeout, int after = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Events.Skip(after).FirstOrDefault(e => match(e.Type, e.Data));
            if (found.Type is not null)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No matching event within " + timeout + ". Seen: " + string.Join(" | ", Events.Select(e => e.Type + " " + e.Data.GetRawText())));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or IOException or HttpRequestException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(Stream body)
    {
        using var reader = new StreamReader(body);
        string? type = null;
        var data = new List<string>();
        while (!_stop.IsCancellationRequested && await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    var element = JsonDocument.Parse(string.Join('\n', data)).RootElement.Clone();
                    lock (_events)
                    {
                        _events.Add((type ?? "message", element, DateTime.UtcNow));
                    }
                }

                type = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line[5..].TrimStart());
            }
        }
    }
}
