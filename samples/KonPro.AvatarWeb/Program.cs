using KonPro.AvatarWeb;

// The avatar's brain on the server, its face in the browser. Offline by default (the fake KonPro service with its
// LiveKit room runs inside the app); KonPro:BaseUrl and KonPro:ApiKey point it at the real service.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAvatarWeb(builder.Configuration);

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapAvatarApi();
app.Run();

/// <summary>The app's entry point (public for WebApplicationFactory in the sample's tests).</summary>
public partial class Program;
