using System.Net;
using System.Text.Json;
using KonPro.Streaming.Api;
using KonPro.Streaming.Testing.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Rest;

/// <summary>The avatar catalog is data: the defaults, extended or replaced from options or a file, every field a string as the service sends it.</summary>
public sealed class AvatarCatalogTests
{
    [Fact]
    public async Task Every_default_avatar_has_the_fields_the_service_always_sends_as_strings()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.GetAsync("/v1/streaming/avatars");

        answer.Data.EnumerateArray().Select(a => a.GetProperty("avatar_id").GetString()).Should().Equal("default", "anna-office", "retired-bob");
        foreach (var avatar in answer.Data.EnumerateArray())
        {
            foreach (var field in new[] { "avatar_id", "pose_name", "normal_preview", "default_voice", "status" })
            {
                avatar.GetProperty(field).ValueKind.Should().Be(JsonValueKind.String, $"{field} of {avatar}");
            }

            Uri.TryCreate(avatar.GetProperty("normal_preview").GetString(), UriKind.Absolute, out _).Should().BeTrue("the preview is a URL");
            avatar.GetProperty("is_public").ValueKind.Should().BeOneOf(JsonValueKind.True, JsonValueKind.False);
            avatar.GetProperty("created_at").ValueKind.Should().Be(JsonValueKind.Number);
        }
    }

    [Fact]
    public async Task A_file_of_avatars_extends_the_defaults_replaces_one_by_id_and_fills_what_it_leaves_out()
    {
        var file = WriteTemp("""
            [
              { "avatar_id": "Ann_Therapist_public", "pose_name": "Ann Therapist", "mood": "calm" },
              { "avatar_id": "default", "pose_name": "Our default", "normal_preview": "https://cdn.example.test/d.png", "default_voice": "v-9", "is_public": false, "status": "ACTIVE", "created_at": 5 },
              { "avatar_id": "sleeping", "status": "INACTIVE" }
            ]
            """);
        try
        {
            await using var server = await Servers.StartAsync(o => o.AvatarsFile = file);
            using var api = new ApiClient(server);

            var list = (await api.GetAsync("/v1/streaming/avatars")).Data.EnumerateArray().ToDictionary(a => a.GetProperty("avatar_id").GetString()!);
            var token = await api.CreateTokenAsync();
            var added = await api.PostAsync("/v1/streaming/new", new { avatar_id = "Ann_Therapist_public" }, Credential.Bearer(token));
            var unknown = await api.PostAsync("/v1/streaming/new", new { avatar_id = "Nobody_public" }, Credential.Bearer(await api.CreateTokenAsync()));
            var inactive = await api.PostAsync("/v1/streaming/new", new { avatar_id = "sleeping" }, Credential.Bearer(await api.CreateTokenAsync()));

            list.Keys.Should().Equal("default", "anna-office", "retired-bob", "Ann_Therapist_public", "sleeping");
            var ann = list["Ann_Therapist_public"];
            ann.GetProperty("pose_name").GetString().Should().Be("Ann Therapist");
            ann.GetProperty("normal_preview").GetString().Should().Be("https://files.konpro.ai/avatars/Ann_Therapist_public.webp");
            ann.GetProperty("default_voice").GetString().Should().Be("en-US-1");
            ann.GetProperty("status").GetString().Should().Be("ACTIVE");
            ann.GetProperty("is_public").GetBoolean().Should().BeTrue();
            ann.GetProperty("mood").GetString().Should().Be("calm", "fields the fake does not know pass through");
            list["default"].GetProperty("pose_name").GetString().Should().Be("Our default");
            list["default"].GetProperty("normal_preview").GetString().Should().Be("https://cdn.example.test/d.png");
            added.Status.Should().Be(HttpStatusCode.OK, added.Text);
            server.Sessions.Should().ContainSingle().Which.AvatarId.Should().Be("Ann_Therapist_public");
            unknown.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
            inactive.ShouldBeError(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Replacing_the_defaults_serves_the_given_avatars_only()
    {
        await using var server = await Servers.StartAsync(o =>
        {
            o.ReplaceDefaultAvatars = true;
            o.Avatars.Add(new Avatar { AvatarId = "only-one", Status = AvatarStatus.Active });
        });
        using var api = new ApiClient(server);

        var list = await api.GetAsync("/v1/streaming/avatars");
        var byDefault = await api.PostAsync("/v1/streaming/new", new { }, Credential.Bearer(await api.CreateTokenAsync()));
        var given = await api.PostAsync("/v1/streaming/new", new { avatar_id = "only-one" }, Credential.Bearer(await api.CreateTokenAsync()));

        list.Data.EnumerateArray().Select(a => a.GetProperty("avatar_id").GetString()).Should().Equal("only-one");
        list.Data[0].GetProperty("normal_preview").GetString().Should().NotBeNullOrEmpty();
        byDefault.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
        given.Status.Should().Be(HttpStatusCode.OK, given.Text);
    }

    [Fact]
    public async Task A_saved_avatar_list_answer_is_a_valid_file_too()
    {
        var file = WriteTemp("""{"code":100,"message":"success","data":[{"avatar_id":"saved","pose_name":"Saved","normal_preview":"https://x.test/p.webp","default_voice":"v","is_public":true,"status":"ACTIVE","created_at":1}]}""");
        try
        {
            await using var server = await Servers.StartAsync(o => o.AvatarsFile = file);
            using var api = new ApiClient(server);

            var list = await api.GetAsync("/v1/streaming/avatars");

            list.Data.EnumerateArray().Select(a => a.GetProperty("avatar_id").GetString()).Should().Contain("saved");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("not json", "is not JSON")]
    [InlineData("{\"avatars\": []}", "must hold a JSON array")]
    [InlineData("[{\"pose_name\": \"no id\"}]", "entry 0 must be an object with a non-empty string avatar_id")]
    [InlineData("[{\"avatar_id\": \"x\", \"status\": \"ASLEEP\"}]", "entry 0 (x) is not an avatar in the wire shape")]
    public async Task A_file_that_is_not_a_list_of_avatars_fails_the_start_naming_the_problem(string content, string problem)
    {
        var file = WriteTemp(content);
        try
        {
            var start = () => Servers.StartAsync(o => o.AvatarsFile = file);

            (await start.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(file).And.Contain(problem);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_example_file_serves_the_public_ids_the_official_NextJs_demo_asks_for()
    {
        var file = Path.Combine(RepositoryPaths.Root, "tools", "KonPro.FakeServer", "examples", "nextjs-demo-avatars.json");
        await using var server = await Servers.StartAsync(o => o.AvatarsFile = file);
        using var api = new ApiClient(server);

        var list = await api.GetAsync("/v1/streaming/avatars");
        var ann = await api.PostAsync("/v1/streaming/new", new { avatar_name = "Ann_Therapist_public" }, Credential.Bearer(await api.CreateTokenAsync()));

        list.Data.EnumerateArray().Select(a => a.GetProperty("avatar_id").GetString()).Should().Contain(
            ["Ann_Therapist_public", "Shawn_Therapist_public", "Bryan_FitnessCoach_public", "Dexter_Doctor_Standing2_public", "Elenora_IT_Sitting_public"]);
        ann.Status.Should().Be(HttpStatusCode.OK, ann.Text);
    }

    private static string WriteTemp(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"konpro-avatars-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        return path;
    }
}
