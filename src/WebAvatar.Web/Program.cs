using WebAvatar.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddWebAvatar();
var app = builder.Build();
app.UseWebAvatar();
app.Run();

/// <summary>Entry point type, visible to integration tests.</summary>
public partial class Program;
