using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace WebAvatar.Data;

/// <summary>Section "Data": where the SQLite database and the uploaded files live.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>SQLite connection string; a relative Data Source is resolved against the install root (AppPaths).</summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/webavatar.db";

    /// <summary>Folder for uploaded avatars (avatars/&lt;id&gt;/...); relative paths resolve against the install root.</summary>
    [Required]
    public string Folder { get; set; } = "data";

    public string ResolvedFolder => AppPaths.Resolve(Folder);

    /// <summary>The connection string with its file path made absolute, and that file's folder created.</summary>
    public string ResolveConnectionString()
    {
        var builder = new SqliteConnectionStringBuilder(ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new InvalidOperationException("Data:ConnectionString has no 'Data Source=<file>'; set it to e.g. 'Data Source=data/webavatar.db'.");
        }

        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = AppPaths.Resolve(builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        return builder.ToString();
    }
}

/// <summary>The attribute rules of <see cref="DataOptions"/>, checked at start (generated).</summary>
[OptionsValidator]
internal sealed partial class DataOptionsValidator : IValidateOptions<DataOptions>;
