using System.Diagnostics;

namespace WebAvatar.Web.Admin.Voices;

/// <summary>Lists espeak-ng's voices by running <c>espeak-ng --voices</c> once and caching the parsed table.</summary>
public sealed class EspeakVoiceCatalog
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<VoiceInfo>? _voices;
    private string? _error;

    /// <summary>Why the list is empty (espeak-ng missing, ...), or null.</summary>
    public string? Error => _error;

    public async Task<IReadOnlyList<VoiceInfo>> GetVoicesAsync(CancellationToken cancellationToken)
    {
        if (_voices is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _voices ??= await LoadAsync(cancellationToken);
            return _voices;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Parses the fixed-width table: "Pty Language Age/Gender VoiceName File Other Languages".
    /// Rows that do not have at least the first five columns are skipped.
    /// </summary>
    public static IReadOnlyList<VoiceInfo> Parse(string output)
    {
        var voices = new List<VoiceInfo>();
        foreach (var line in output.Split('\n'))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length < 5 || !int.TryParse(cells[0], out _))
            {
                continue;
            }

            var gender = cells[2].Split('/') is [_, var g] ? g switch { "M" => "male", "F" => "female", _ => "-" } : "-";
            voices.Add(new VoiceInfo("espeak-ng", cells[1], cells[3].Replace('_', ' '), cells[1], gender));
        }

        return voices.DistinctBy(v => v.Id).OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
    }

    private async Task<IReadOnlyList<VoiceInfo>> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var info = new ProcessStartInfo("espeak-ng", "--voices") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            _error = process.ExitCode == 0 ? null : $"espeak-ng --voices exited with {process.ExitCode}";
            return Parse(output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            _error = "espeak-ng is not installed (scripts/setup.sh installs it): " + ex.Message;
            return [];
        }
    }
}
