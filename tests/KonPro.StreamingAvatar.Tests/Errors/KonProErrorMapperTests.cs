using KonPro.Streaming.Api;

namespace KonPro.Streaming.Tests.Errors;

public sealed class KonProErrorMapperTests
{
    private static readonly SecretRedactor Redactor = CreateRedactor();

    [Theory]
    [InlineData(400, "VALIDATION_ERROR", typeof(KonProValidationException), false)]
    [InlineData(400, "SESSION_STATE_INVALID", typeof(KonProSessionClosedException), false)]
    [InlineData(401, "INVALID_API_KEY", typeof(KonProAuthenticationException), false)]
    [InlineData(403, "INSUFFICIENT_PERMISSIONS", typeof(KonProPermissionException), false)]
    [InlineData(404, "RESOURCE_NOT_FOUND", typeof(KonProNotFoundException), false)]
    [InlineData(429, "CONCURRENCY_LIMIT_EXCEEDED", typeof(KonProConcurrencyLimitException), false)]
    [InlineData(429, "RATE_LIMIT_EXCEEDED", typeof(KonProRateLimitException), true)]
    [InlineData(500, "PROCESSING_ERROR", typeof(KonProServerException), true)]
    [InlineData(503, "SERVICE_UNAVAILABLE", typeof(KonProServerException), true)]
    [InlineData(418, "TEAPOT", typeof(KonProApiException), false)]
    public void Current_envelope_maps_to_the_matching_exception(int status, string code, Type expected, bool retryable)
    {
        var body = $$$"""{"error":{"code":"{{{code}}}","message":"went wrong","details":{"field":"voice.rate","reason":"must be between 0.5 and 1.5"}},"request_id":"req-42"}""";

        var exception = Map(status, body);

        exception.Should().BeOfType(expected);
        exception.Status.Should().Be(status);
        exception.ErrorCode.Should().Be(code);
        exception.ApiMessage.Should().Be("went wrong");
        exception.Field.Should().Be("voice.rate");
        exception.RequestId.Should().Be("req-42");
        exception.Operation.Should().Be("NewSession");
        exception.IsRetryable.Should().Be(retryable);
        exception.Message.Should().Contain("NewSession").And.Contain(code).And.Contain("voice.rate").And.Contain("req-42");
    }

    [Fact]
    public void Legacy_numeric_400112_is_an_authentication_failure()
    {
        var exception = Map(400, """{"code":400112,"message":"Unauthorized"}""");

        exception.Should().BeOfType<KonProAuthenticationException>();
        exception.ErrorCode.Should().Be("400112");
        exception.ApiMessage.Should().Be("Unauthorized");
    }

    [Fact]
    public void Detail_envelope_keeps_the_detail_as_the_message()
    {
        var exception = Map(404, """{"detail":"Not Found"}""");

        exception.Should().BeOfType<KonProNotFoundException>();
        exception.ApiMessage.Should().Be("Not Found");
        exception.ErrorCode.Should().BeNull();
    }

    [Fact]
    public void Session_state_message_without_a_code_is_session_closed()
    {
        var exception = Map(400, """{"code":10002,"message":"session state wrong: closed"}""");

        exception.Should().BeOfType<KonProSessionClosedException>();
        exception.ApiMessage.Should().Be("session state wrong: closed");
    }

    [Fact]
    public void Rate_limit_reads_retry_after_seconds()
    {
        var headers = new Dictionary<string, IEnumerable<string>> { ["Retry-After"] = ["7"] };
        var api = new ApiException("x", 429, """{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down"},"request_id":"r"}""", headers, null);

        var exception = KonProErrorMapper.FromApiException(api, "SendTask", Redactor);

        exception.Should().BeOfType<KonProRateLimitException>();
        exception.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        exception.IsRetryable.Should().BeTrue();
    }

    [Fact]
    public void Request_id_falls_back_to_the_header()
    {
        var headers = new Dictionary<string, IEnumerable<string>> { ["x-request-id"] = ["hdr-1"] };
        var api = new ApiException("x", 500, "oops, not json", headers, null);

        var exception = KonProErrorMapper.FromApiException(api, "StartSession", Redactor);

        exception.Should().BeOfType<KonProServerException>();
        exception.RequestId.Should().Be("hdr-1");
        exception.ApiMessage.Should().Be("oops, not json");
    }

    [Fact]
    public void Non_success_code_in_a_2xx_answer_is_an_error()
    {
        var exception = KonProErrorMapper.FromEnvelope(200, 10001, "task queue full", "SendTask", Redactor);

        exception.Status.Should().Be(200);
        exception.ErrorCode.Should().Be("10001");
        exception.ApiMessage.Should().Be("task queue full");
        exception.Should().BeOfType<KonProApiException>();
    }

    [Fact]
    public void Secrets_echoed_by_the_server_never_reach_the_exception()
    {
        var exception = Map(401, """{"error":{"code":"INVALID_API_KEY","message":"key sk-secret-123 is unknown","details":{"field":"session_token=tok-abc"}}}""");

        exception.Message.Should().NotContain("sk-secret-123").And.NotContain("tok-abc");
        exception.ToString().Should().NotContain("sk-secret-123");
        exception.ApiMessage.Should().Contain("***");
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData("1.5", 1.5)]
    public void Retry_after_accepts_seconds(string header, double seconds) =>
        KonProErrorMapper.ParseRetryAfter(header).Should().Be(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    public void Retry_after_ignores_what_it_cannot_read(string? header) =>
        KonProErrorMapper.ParseRetryAfter(header).Should().BeNull();

    [Theory]
    [InlineData("1e308")]
    [InlineData("1.7976931348623157E+308")]
    [InlineData("Infinity")]
    [InlineData("99999999999999999999999")]
    [InlineData("3601")]
    public void Retry_after_clamps_huge_values_to_the_maximum(string header) =>
        KonProErrorMapper.ParseRetryAfter(header).Should().Be(KonProErrorMapper.MaxRetryAfter);

    [Theory]
    [InlineData("-1")]
    [InlineData("-1e308")]
    [InlineData("-Infinity")]
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT")]
    public void Retry_after_in_the_past_or_negative_reads_as_zero(string header) =>
        KonProErrorMapper.ParseRetryAfter(header).Should().Be(TimeSpan.Zero);

    [Theory]
    [InlineData("NaN")]
    [InlineData("   ")]
    [InlineData("12 parsecs")]
    [InlineData("\\ud800")]
    [InlineData("0x10")]
    public void Retry_after_garbage_reads_as_null(string header) =>
        KonProErrorMapper.ParseRetryAfter(header).Should().BeNull();

    [Fact]
    public void Retry_after_as_an_http_date_is_the_time_until_it_on_the_injected_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

        KonProErrorMapper.ParseRetryAfter("Tue, 01 Jan 2030 12:00:30 GMT", clock).Should().Be(TimeSpan.FromSeconds(30));
        KonProErrorMapper.ParseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", clock).Should().Be(KonProErrorMapper.MaxRetryAfter);
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("-5")]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT")]
    [InlineData("soon")]
    public void A_rate_limit_with_any_retry_after_maps_to_the_rate_limit_exception(string header)
    {
        var headers = new Dictionary<string, IEnumerable<string>> { ["Retry-After"] = [header] };
        var api = new ApiException("x", 429, """{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down"}}""", headers, null);

        var exception = KonProErrorMapper.FromApiException(api, "KeepAlive", Redactor);

        exception.Should().BeOfType<KonProRateLimitException>();
        exception.RetryAfter.GetValueOrDefault().Should().BeLessThanOrEqualTo(KonProErrorMapper.MaxRetryAfter);
    }

    [Theory]
    [InlineData("""{"error":{"code":"\ud800","message":"\udc00"}}""")]
    [InlineData("""{"detail":"\ud800"}""")]
    [InlineData("""{"code":"\ud800","message":"x"}""")]
    [InlineData("""{"error":"\ud800"}""")]
    [InlineData("{\"error\":")]
    public void Error_bodies_that_cannot_be_decoded_still_map(string body)
    {
        var exception = Map(500, body);

        exception.Should().BeOfType<KonProServerException>();
        exception.Status.Should().Be(500);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static KonProApiException Map(int status, string body) =>
        KonProErrorMapper.FromApiException(new ApiException("x", status, body, new Dictionary<string, IEnumerable<string>>(), null), "NewSession", Redactor);

    private static SecretRedactor CreateRedactor()
    {
        var redactor = new SecretRedactor();
        redactor.Add("sk-secret-123");
        return redactor;
    }
}
