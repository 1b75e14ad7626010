using System.Net;
using KonPro.Streaming.Testing.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Admin;

public sealed class ContractFilesTests
{
    [Fact]
    public async Task The_fake_serves_the_spec_it_implements_without_a_credential()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var response = await http.GetAsync("/openapi/konpro-streaming.yaml");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/yaml");
        (await response.Content.ReadAsStringAsync()).Should().Be(await File.ReadAllTextAsync(RepositoryPaths.Spec));
    }

    [Fact]
    public async Task The_listing_names_every_contract_file_of_the_repository()
    {
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        var listing = (await http.GetStringAsync("/openapi/")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var expected = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "openapi"))
            .Select(Path.GetFileName)
            .Where(n => n!.EndsWith(".yaml", StringComparison.Ordinal) || n.EndsWith(".json", StringComparison.Ordinal) || n.EndsWith(".proto", StringComparison.Ordinal));
        listing.Should().BeEquivalentTo(expected);
        (await http.GetStringAsync("/openapi/pipecat.proto")).Should().Contain("message Frame");
    }

    [Fact]
    public async Task An_unknown_contract_file_is_a_404_in_the_error_envelope()
    {
        await using var server = await Servers.StartAsync();
        using var api = new ApiClient(server);

        var answer = await api.GetAsync("/openapi/nothing.yaml", Credential.None);

        answer.ShouldBeError(HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
    }
}
