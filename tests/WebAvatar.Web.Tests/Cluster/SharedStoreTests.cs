using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using WebAvatar.Web.Tests.Admin;
using WebAvatar.Web.Tests.Api;

namespace WebAvatar.Web.Tests.Cluster;

/// <summary>
/// Two WebAvatar nodes as separate processes on loopback, sharing one PostgreSQL database and one data folder, the way
/// README "Scaling out" sets them up: what is written through one node holds on the other.
/// </summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task Two_nodes_on_one_postgresql_database_share_keys_admins_and_sign_ins()
    {
        await using var postgres = await PostgresServer.StartAsync();
        string shared = AdminApp.NewDataFolder();
        string database = PostgresServer.NewDatabaseName();
        var settings = new Dictionary<string, string>
        {
            ["Data:Provider"] = "PostgreSql",
            ["Data:ConnectionString"] = postgres.ConnectionString(database),
            ["WebRtc:UdpPort"] = "0",
        };
        try
        {
            // Started together, as a cluster restart would: one migrates while the other waits for the lock, and the first
            // admin from the environment is created once.
            var started = await Task.WhenAll(AdminApp.StartAsync(shared, extra: settings), AdminApp.StartAsync(shared, extra: settings));
            await using var a = started[0];
            await using var b = started[1];

            // An API key made on node A opens sessions on node B.
            var (keyId, secret) = await TestApiKeys.CreateAsync(a, "cluster key");
            // ...and it lives in PostgreSQL, not in a file of the shared folder.
            await using (var connection = new NpgsqlConnection(postgres.ConnectionString(database)))
            {
                await connection.OpenAsync();
                await using var query = new NpgsqlCommand("SELECT \"Name\" FROM \"ApiKeys\"", connection);
                Assert.Equal("cluster key", await query.ExecuteScalarAsync());
            }

            Assert.Empty(Directory.GetFiles(shared, "*.db"));
            using (var onB = TestApiKeys.Client(b, secret))
            {
                var created = await onB.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                Assert.Equal(HttpStatusCode.NoContent, (await onB.DeleteAsync($"/api/v1/sessions/{id}")).StatusCode);
            }

            // Revoked on A: refused on B at once.
            await TestApiKeys.RevokeAsync(a, keyId);
            using (var onB = TestApiKeys.Client(b, secret))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await onB.PostAsJsonAsync("/api/v1/sessions", new { kind = "api", mode = "echo" })).StatusCode);
            }

            // Signed in on A, the same cookie works on B (one key ring in the shared folder), as behind a load balancer.
            var (_, cookies) = await a.SignInWithCookiesAsync();
            using var adminOnB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Rebase(cookies, a.BaseAddress, b.BaseAddress) }) { BaseAddress = b.BaseAddress };
            var keys = await adminOnB.GetAsync("/api/admin/api-keys");
            Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
            Assert.Contains("cluster key", await keys.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            Assert.Contains("Administrator 'admin' created", a.Process.Log + b.Process.Log, StringComparison.Ordinal);
            Assert.False((a.Process.Log + b.Process.Log).Split("Administrator 'admin' created").Length > 2, "the first admin was created twice");
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    /// <summary>The cookies <paramref name="from"/> set, sent to <paramref name="to"/> (another port of the same host).</summary>
    private static CookieContainer Rebase(CookieContainer cookies, Uri from, Uri to)
    {
        var rebased = new CookieContainer();
        foreach (Cookie cookie in cookies.GetCookies(from))
        {
            rebased.Add(to, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        return rebased;
    }
}
