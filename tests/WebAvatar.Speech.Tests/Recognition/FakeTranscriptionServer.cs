using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebAvatar.Speech.Tests.Recognition;

/// <summary>One multipart/form-data request to /v1/audio/transcriptions, taken apart.</summary>
internal sealed record TranscriptionRequest(
    string Path, string? Authorization, IReadOnlyDictionary<string, string> Fields, string? FileName, string? FileContentType, byte[] File)
{
    /// <summary>The uploaded file read as a WAV: format tag, channels, rate, bits and the 16-bit samples of its data chunk.</summary>
    public (int Format, int Channels, int SampleRate, int Bits, short[] Samples) Wav()
    {
        var wav = File;
        Assert.True(wav.Length >= 44, $"file of {wav.Length} bytes is no WAV");
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(wav, 8, 4));
        Assert.Equal("fmt ", Encoding.ASCII.GetString(wav, 12, 4));
        Assert.Equal("data", Encoding.ASCII.GetString(wav, 36, 4));
        var dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40));
        Assert.Equal(wav.Length - 44, dataBytes);
        Assert.Equal(wav.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4)));
        var samples = new short[dataBytes / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + i * 2));
        }

        return (BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(20)), BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)),
            BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)), BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(34)), samples);
    }

    /// <summary>Seconds of audio in the upload (16-bit mono).</summary>
    public double Seconds => (File.Length - 44) / 2 / 16_000.0;
}

/// <summary>
/// An OpenAI-style transcription server on <see cref="LoopbackHttpServer"/>: parses each POST /v1/audio/transcriptions
/// as multipart/form-data (a request it cannot parse gets a 400 and is counted in <see cref="Malformed"/>), records it,
/// and answers what <see cref="Answer"/> says: by default <c>{"text":" heard 1.23 s "}</c> for the upload's length.
/// Counts requests in flight, and the most at once.
/// </summary>
internal sealed partial class FakeTranscriptionServer : IDisposable
{
    private readonly LoopbackHttpServer _server;
    private int _inFlight;
    private int _maxInFlight;
    private int _malformed;

    public FakeTranscriptionServer(Func<TranscriptionRequest, Task<(int Status, string Body)>>? answer = null)
    {
        Answer = answer ?? DescribeUpload;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public string Root => _server.Root;

    /// <summary>The status and body to answer a parsed request with; may be swapped while the server runs.</summary>
    public Func<TranscriptionRequest, Task<(int Status, string Body)>> Answer { get; set; }

    public ConcurrentQueue<TranscriptionRequest> Requests { get; } = new();

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int Malformed => Volatile.Read(ref _malformed);

    public static string Json(string text) => JsonSerializer.Serialize(new { text });

    /// <summary>The default answer: 200 with <c>{"text":" heard 1.234 s "}</c> for the upload's length (see <see cref="HeardText"/>).</summary>
    public static Task<(int Status, string Body)> DescribeUpload(TranscriptionRequest request) =>
        Task.FromResult((200, Json($" {HeardText((request.File.Length - 44) / 2)} ")));

    /// <summary>The text the default answer gives for <paramref name="samples"/> samples of 16 kHz audio.</summary>
    public static string HeardText(long samples) => $"heard {samples / 16_000.0:F3} s";

    public void Dispose() => _server.Dispose();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        try
        {
            int seen;
            while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            TranscriptionRequest request;
            try
            {
                request = Parse(context.Request, body.ToArray());
            }
            catch (FormatException ex)
            {
                Interlocked.Increment(ref _malformed);
                context.Response.StatusCode = 400;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(Json(ex.Message)));
                return;
            }

            Requests.Enqueue(request);
            var (status, answer) = await Answer(request);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(answer));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static TranscriptionRequest Parse(HttpListenerRequest http, byte[] body)
    {
        if (http.HttpMethod != "POST" || http.Url!.AbsolutePath != "/v1/audio/transcriptions")
        {
            throw new FormatException($"{http.HttpMethod} {http.Url!.AbsolutePath}: expected POST /v1/audio/transcriptions");
        }

        var type = http.ContentType ?? string.Empty;
        var boundaryMatch = BoundaryPattern().Match(type);
        if (!type.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) || !boundaryMatch.Success)
        {
            throw new FormatException($"Content-Type '{type}' is not multipart/form-data with a boundary");
        }

        // Latin-1 maps bytes 1:1 to chars, so string offsets are byte offsets.
        var text = Encoding.Latin1.GetString(body);
        var delimiter = "--" + boundaryMatch.Groups[1].Value;
        var fields = new Dictionary<string, string>();
        string? fileName = null, fileType = null;
        byte[]? file = null;
        var position = text.IndexOf(delimiter, StringComparison.Ordinal);
        if (position < 0)
        {
            throw new FormatException("no boundary in the body");
        }

        while (true)
        {
            position += delimiter.Length;
            if (text.AsSpan(position).StartsWith("--"))
            {
                break; // closing delimiter
            }

            var headersEnd = text.IndexOf("\r\n\r\n", position, StringComparison.Ordinal);
            var next = text.IndexOf("\r\n" + delimiter, headersEnd < 0 ? position : headersEnd, StringComparison.Ordinal);
            if (headersEnd < 0 || next < 0)
            {
                throw new FormatException("a part without headers or an end");
            }

            var headers = text[position..headersEnd];
            var disposition = NamePattern().Match(headers);
            if (!disposition.Success)
            {
                throw new FormatException($"a part without a name: {headers.Trim()}");
            }

            var content = body.AsSpan(headersEnd + 4, next - headersEnd - 4).ToArray();
            var name = disposition.Groups[1].Value;
            if (FileNamePattern().Match(headers) is { Success: true } fileNameMatch)
            {
                fileName = fileNameMatch.Groups[1].Value;
                fileType = ContentTypePattern().Match(headers) is { Success: true } ct ? ct.Groups[1].Value.Trim() : null;
                file = content;
                fields[name] = $"<file {fileName}>";
            }
            else
            {
                fields[name] = Encoding.UTF8.GetString(content);
            }

            position = next + 2;
        }

        if (file is null || !fields.ContainsKey("model"))
        {
            throw new FormatException("file and model are required");
        }

        return new TranscriptionRequest(http.Url.AbsolutePath, http.Headers["Authorization"], fields, fileName, fileType, file);
    }

    [GeneratedRegex("boundary=\"?([^\";]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryPattern();

    [GeneratedRegex("Content-Disposition:[^\r\n]*;\\s*name=\"?([^\";\r\n]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex NamePattern();

    [GeneratedRegex("filename=\"?([^\";\r\n]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex FileNamePattern();

    [GeneratedRegex("Content-Type:([^\r\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ContentTypePattern();
}
