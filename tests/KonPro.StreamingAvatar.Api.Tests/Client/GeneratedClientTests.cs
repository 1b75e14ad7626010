using System.Reflection;
using KonPro.Streaming.Api.Tests.Spec;

namespace KonPro.Streaming.Api.Tests.Client;

public class GeneratedClientTests
{
    [Fact]
    public void The_client_interface_has_exactly_one_method_per_operation_id_of_the_spec()
    {
        var expected = SpecDocument.Operations
            .Select(o => char.ToUpperInvariant(o.Operation.OperationId[0]) + o.Operation.OperationId[1..] + "Async")
            .Order(StringComparer.Ordinal);

        var actual = typeof(IKonProApiClient).GetMethods().Select(m => m.Name).Order(StringComparer.Ordinal);

        actual.Should().Equal(expected);
    }

    [Fact]
    public void Every_operation_is_asynchronous_and_takes_a_cancellation_token_last()
    {
        foreach (var method in typeof(IKonProApiClient).GetMethods())
        {
            method.ReturnType.Should().BeAssignableTo<Task>(method.Name);
            var last = method.GetParameters()[^1];
            last.ParameterType.Should().Be<CancellationToken>(method.Name);
            last.HasDefaultValue.Should().BeTrue(method.Name);
        }
    }

    [Fact]
    public void The_client_implements_the_interface_and_its_base_url_is_settable()
    {
        using var http = new HttpClient();
        var client = new KonProApiClient(http);

        client.Should().BeAssignableTo<IKonProApiClient>();
        client.BaseUrl.Should().Be("https://api.konpro.ai/");

        client.BaseUrl = "http://127.0.0.1:5080";

        client.BaseUrl.Should().Be("http://127.0.0.1:5080/");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://127.0.0.1:5080/konpro/", "http://127.0.0.1:5080/konpro/")]
    public void The_base_url_is_the_http_clients_base_address_when_it_has_one(string baseAddress, string expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseAddress) };

        var client = new KonProApiClient(http);

        client.BaseUrl.Should().Be(expected, "a base address given to the HttpClient is where the calls were meant to go");
    }

    [Fact]
    public void A_null_http_client_is_refused_at_construction()
    {
        var act = () => new KonProApiClient(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("httpClient");
    }

    [Fact]
    public void The_exception_for_non_success_answers_exposes_status_headers_and_body()
    {
        var type = typeof(ApiException);

        type.GetProperty(nameof(ApiException.StatusCode))!.PropertyType.Should().Be<int>();
        type.GetProperty(nameof(ApiException.Response))!.PropertyType.Should().Be<string>();
        type.GetProperty(nameof(ApiException.Headers))!.PropertyType.Should()
            .Be<IReadOnlyDictionary<string, IEnumerable<string>>>();
        typeof(ApiException<ErrorResponse>).Should().BeDerivedFrom<ApiException>();
    }

    [Fact]
    public void Generated_code_lives_in_the_Api_namespace_of_the_Api_assembly()
    {
        var assembly = typeof(IKonProApiClient).Assembly;

        assembly.GetName().Name.Should().Be("KonPro.StreamingAvatar.Api");
        assembly.GetExportedTypes().Should().OnlyContain(t => t.Namespace!.StartsWith("KonPro.Streaming.Api", StringComparison.Ordinal));
        typeof(KonProApiClient).GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>()!.Tool.Should().Be("NSwag");
    }
}
