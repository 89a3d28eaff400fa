using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WebAvatar.Data;

/// <summary>Which database holds the shared data.</summary>
public enum DataProvider
{
    /// <summary>A SQLite file next to the app: the embedded default, one node.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: the store every node of a cluster shares.</summary>
    PostgreSql,
}

/// <summary>Section "Data": where the database and the uploaded files live.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    public const string SqliteDefault = "Data Source=data/webavatar.db";

    public DataProvider Provider { get; set; } = DataProvider.Sqlite;

    /// <summary>
    /// SQLite: a connection string whose relative Data Source is resolved against the install root (AppPaths).
    /// PostgreSQL: an Npgsql connection string (Host=...;Database=...;Username=...;Password=...).
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = SqliteDefault;

    /// <summary>
    /// Folder for uploaded avatars (avatars/&lt;id&gt;/...) and the sign-in keys; relative paths resolve against the install root.
    /// Every node of a cluster must see the same folder (a shared mount).
    /// </summary>
    [Required]
    public string Folder { get; set; } = "data";

    public string ResolvedFolder => AppPaths.Resolve(Folder);

    /// <summary>Null when <see cref="Provider"/> can open <see cref="ConnectionString"/>, else what to fix (the validator's message at start).</summary>
    public string? ConnectionProblem()
    {
        try
        {
            if (Provider == DataProvider.PostgreSql)
            {
                return string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(ConnectionString).Host)
                    ? "Data:Provider is PostgreSql, but Data:ConnectionString names no Host; set it to e.g. 'Host=db;Database=webavatar;Username=webavatar;Password=...'."
                    : null;
            }

            return string.IsNullOrWhiteSpace(new SqliteConnectionStringBuilder(ConnectionString).DataSource)
                ? "Data:ConnectionString has no 'Data Source=<file>'; set it to e.g. 'Data Source=data/webavatar.db'."
                : null;
        }
        catch (ArgumentException ex)
        {
            return $"Data:ConnectionString is not a {Provider} connection string ({ex.Message}).";
        }
    }

    /// <summary>
    /// The connection string the provider opens: for SQLite with its file path made absolute and that file's folder created;
    /// for PostgreSQL as given. Throws <see cref="InvalidOperationException"/> with the <see cref="ConnectionProblem"/>, if any.
    /// </summary>
    public string ResolveConnectionString()
    {
        if (ConnectionProblem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        if (Provider == DataProvider.PostgreSql)
        {
            return ConnectionString;
        }

        var builder = new SqliteConnectionStringBuilder(ConnectionString);
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

/// <summary>At start: the connection string is one the chosen provider can open, named plainly when it is not.</summary>
internal sealed class DataConnectionValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) ? ValidateOptionsResult.Skip // the generated validator names it
        : options.ConnectionProblem() is { } problem ? ValidateOptionsResult.Fail(problem)
        : ValidateOptionsResult.Success;
}
