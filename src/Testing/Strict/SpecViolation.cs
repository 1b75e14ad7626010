namespace KonPro.Streaming.Testing;

/// <summary>One way a request broke the OpenAPI spec, found in strict mode (<see cref="KonProFakeServerOptions.StrictMode"/>).</summary>
/// <param name="At">When the request arrived.</param>
/// <param name="OperationId">The operation called.</param>
/// <param name="JsonPath">Where in the body, e.g. <c>$.voice.rate</c>.</param>
/// <param name="Rule">The rule broken: <c>type</c>, <c>required</c>, <c>enum</c>, <c>minimum</c>, <c>maximum</c>, <c>minLength</c>, <c>maxLength</c>, <c>pattern</c>, <c>nullable</c> or <c>unknown-field</c>.</param>
/// <param name="Message">What was wrong, in words.</param>
public sealed record SpecViolation(DateTimeOffset At, string OperationId, string JsonPath, string Rule, string Message);
