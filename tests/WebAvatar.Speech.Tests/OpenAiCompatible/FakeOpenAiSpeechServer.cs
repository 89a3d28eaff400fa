using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using WebAvatar.Testing;

namespace WebAvatar.Speech.Tests.OpenAiCompatible;

/// <summary>
/// A local HTTP server (<see cref="LoopbackHttpServer"/>) that speaks the OpenAI audio API: /v1/audio/speech returns a
/// 440 Hz tone of 40 ms per input character / speed, as pcm (s16le at 24 kHz) or wav (stereo 22050 Hz), either all
/// at once or chunked in 50 ms pieces with delays; /v1/audio/transcriptions describes the WAV it received.
/// Input containing "fail" gets a 500 with a JSON error.
/// </summary>
public sealed class FakeOpenAiSpeechServer : IDisposable
{
    private readonly LoopbackHttpServer _server;

    public FakeOpenAiSpeechServer(bool streamChunked)
    {
        StreamChunked = streamChunked;
        _server = new LoopbackHttpServer(HandleAsync);
    }

    public string Root => _server.Root;

    public bool StreamChunked { get; }

    public JsonElement? LastSpeechRequest { get; private set; }

    public string? LastAuthorization { get; private set; }

    public string? LastTranscriptionForm { get; private set; }

    /// <summary>When the last speech response body was completely written.</summary>
    public DateTime LastSpeechFinishedUtc { get; private set; }

    public static short Tone(long index, int rate) => (short)(8000 * Math.Sin(2 * Math.PI * 440 * index / rate));

    public void Dispose() => _server.Dispose();

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        LastAuthorization = context.Request.Headers["Authorization"];
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        switch (context.Request.Url!.AbsolutePath)
        {
            case "/v1/audio/speech":
                await SpeakAsync(body.ToArray(), response);
                break;
            case "/v1/audio/transcriptions":
                await TranscribeAsync(body.ToArray(), response);
                break;
            default:
                response.StatusCode = 404;
                break;
        }
    }

    private async Task SpeakAsync(byte[] body, HttpListenerResponse response)
    {
        var request = JsonDocument.Parse(body).RootElement.Clone();
        LastSpeechRequest = request;
        string input = request.GetProperty("input").GetString()!;
        if (input.Contains("fail", StringComparison.Ordinal))
        {
            response.StatusCode = 500;
            await response.OutputStream.WriteAsync("{\"error\":{\"message\":\"voice exploded\"}}"u8.ToArray());
            return;
        }

        bool wav = request.GetProperty("response_format").GetString() == "wav";
        double speed = request.GetProperty("speed").GetDouble();
        int rate = wav ? 22050 : 24000;
        int channels = wav ? 2 : 1;
        int samples = (int)(rate * 0.040 * input.Length / speed);
        var audio = new byte[samples * channels * 2];
        for (int i = 0; i < samples; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(audio.AsSpan((i * channels + c) * 2), Tone(i, rate));
            }
        }

        byte[] header = wav ? WavHeaderFor(rate, channels, audio.Length) : [];
        response.ContentType = wav ? "audio/wav" : "audio/pcm";
        if (!StreamChunked)
        {
            response.ContentLength64 = header.Length + audio.Length;
            await response.OutputStream.WriteAsync(header);
            await response.OutputStream.WriteAsync(audio);
        }
        else
        {
            response.SendChunked = true;
            if (header.Length > 0)
            {
                // A zero-length write would end a chunked body.
                await response.OutputStream.WriteAsync(header);
            }

            int piece = rate / 20 * channels * 2 + 1; // odd size: frames split across reads
            for (int offset = 0; offset < audio.Length; offset += piece)
            {
                await response.OutputStream.WriteAsync(audio.AsMemory(offset, Math.Min(piece, audio.Length - offset)));
                await response.OutputStream.FlushAsync();
                await Task.Delay(30);
            }
        }

        LastSpeechFinishedUtc = DateTime.UtcNow;
    }

    private async Task TranscribeAsync(byte[] body, HttpListenerResponse response)
    {
        string form = Encoding.Latin1.GetString(body);
        LastTranscriptionForm = form;
        int riff = form.IndexOf("RIFF", StringComparison.Ordinal);
        if (riff < 0 || !form.Contains("name=\"model\"", StringComparison.Ordinal))
        {
            response.StatusCode = 400;
            await response.OutputStream.WriteAsync("{\"error\":\"file and model are required\"}"u8.ToArray());
            return;
        }

        int rate = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(riff + 24));
        int dataBytes = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(riff + 40));
        string model = FormField(form, "model");
        string language = form.Contains("name=\"language\"", StringComparison.Ordinal) ? FormField(form, "language") : "auto";
        string json = JsonSerializer.Serialize(new { text = $" heard {dataBytes / 2} samples at {rate} Hz with {model} in {language} " });
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(json));
    }

    private static string FormField(string form, string name)
    {
        int start = form.IndexOf($"name=\"{name}\"", StringComparison.Ordinal);
        start = form.IndexOf("\r\n\r\n", start, StringComparison.Ordinal) + 4;
        return form[start..form.IndexOf("\r\n", start, StringComparison.Ordinal)];
    }

    private static byte[] WavHeaderFor(int rate, int channels, int dataBytes)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), -1); // streaming servers write an unknown size
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), rate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(32), (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), dataBytes);
        return header;
    }
}
