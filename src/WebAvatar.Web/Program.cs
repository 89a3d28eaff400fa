var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false, reloadOnChange: false);
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.Run();
