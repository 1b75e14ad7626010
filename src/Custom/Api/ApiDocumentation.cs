namespace KonPro.Streaming.Api;

// CUSTOM: the XML docs of generated types whose declarations NSwag's templates leave undocumented (a doc comment on
// one part of a partial type documents the type). Members are documented by the spec's descriptions, or by the
// generation step in KonPro.StreamingAvatar.Api.csproj (KonProDocumentGeneratedMembers) where no template can.

/// <summary>
/// The operations of the KonPro Streaming Avatar API, as <see cref="KonProApiClient"/> sends them: the seam for a
/// test double of the whole REST API.
/// </summary>
public partial interface IKonProApiClient;

/// <summary>
/// A call the service answered with an error status, or whose answer could not be read. <see cref="StatusCode"/>,
/// <see cref="Response"/> (the body as text) and <see cref="Headers"/> describe the answer.
/// </summary>
public partial class ApiException;

/// <summary>A call the service answered with an error status and a body of the type the spec gives for it.</summary>
/// <typeparam name="TResult">The error body's type (<see cref="ErrorResponse"/> for KonPro's error envelope).</typeparam>
public partial class ApiException<TResult>;
