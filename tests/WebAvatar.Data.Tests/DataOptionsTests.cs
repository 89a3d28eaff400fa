using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace WebAvatar.Data.Tests;

public sealed class DataOptionsTests
{
    [Fact]
    public void A_relative_database_path_resolves_against_the_install_root_and_its_folder_is_created()
    {
        string folder = "artifacts/data-tests-" + Guid.NewGuid().ToString("N");
        try
        {
            var resolved = new DataOptions { ConnectionString = $"Data Source={folder}/webavatar.db" }.ResolveConnectionString();
            string expected = Path.Combine(AppPaths.ContentRoot, folder, "webavatar.db");
            Assert.Equal($"Data Source={expected}", resolved);
            Assert.True(Directory.Exists(Path.GetDirectoryName(expected)));
        }
        finally
        {
            Directory.Delete(Path.Combine(AppPaths.ContentRoot, folder), recursive: true);
        }
    }

    [Fact]
    public void An_in_memory_database_is_left_alone()
    {
        Assert.Equal("Data Source=:memory:", new DataOptions { ConnectionString = "Data Source=:memory:" }.ResolveConnectionString());
    }

    [Fact]
    public void A_connection_string_without_a_data_source_names_the_setting_to_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DataOptions { ConnectionString = "Cache=Shared" }.ResolveConnectionString());
        Assert.Contains("Data:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_connection_string_stops_the_app_at_start()
    {
        using var host = TempDatabase.Build(new Dictionary<string, string?> { ["Data:ConnectionString"] = "" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Database=webavatar;Username=webavatar", "names no Host")]
    [InlineData("Data Source=data/webavatar.db", "not a PostgreSql connection string")]
    [InlineData("Host=db;Flavour=strawberry", "not a PostgreSql connection string")]
    public async Task A_postgresql_store_without_a_usable_connection_string_stops_the_app_at_start(string connectionString, string expected)
    {
        using var host = TempDatabase.Build(new Dictionary<string, string?> { ["Data:Provider"] = "PostgreSql", ["Data:ConnectionString"] = connectionString });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("Data:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sqlite_store_given_a_postgresql_connection_string_stops_the_app_at_start()
    {
        using var host = TempDatabase.Build(new Dictionary<string, string?> { ["Data:ConnectionString"] = "Host=db;Database=webavatar" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("not a Sqlite connection string", error.Message, StringComparison.Ordinal);
    }
}
