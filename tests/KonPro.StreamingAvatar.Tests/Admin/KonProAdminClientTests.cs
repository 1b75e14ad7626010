using KonPro.Streaming.Testing;
using KonPro.Streaming.Tests.Support;

namespace KonPro.Streaming.Tests.Admin;

public sealed class KonProAdminClientTests
{
    [Fact]
    public async Task Creates_a_session_token_with_the_api_key()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();

        var token = await admin.CreateTokenAsync();

        token.Should().NotBeNullOrWhiteSpace();
        var call = scope.Calls(KonProOperationIds.CreateToken).Should().ContainSingle().Subject;
        call.Credential.Should().Be(CredentialKind.ApiKey);
        call.Status.Should().Be(200);
    }

    [Fact]
    public async Task Refuses_a_session_token()
    {
        await using var scope = await FakeServerScope.StartAsync();

        var act = async () => new KonProAdminClient(await scope.TokenConfigAsync(), scope.Http);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*API key*");
    }

    [Fact]
    public async Task A_wrong_api_key_is_an_authentication_failure_that_does_not_show_the_key()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = new KonProAdminClient(new StreamingAvatarApiConfig { ApiKey = "wrong-key-123", BasePath = scope.Server.Url }, scope.Http);

        var act = () => admin.ListAvatarsAsync();

        var failure = await act.Should().ThrowAsync<KonProAuthenticationException>();
        failure.Which.Status.Should().Be(401);
        failure.Which.Operation.Should().Be("ListAvatars");
        failure.Which.ToString().Should().NotContain("wrong-key-123");
    }

    [Fact]
    public async Task Lists_avatars()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();

        var avatars = await admin.ListAvatarsAsync();

        avatars.Should().NotBeEmpty();
        avatars.Should().OnlyContain(a => !string.IsNullOrEmpty(a.AvatarId));
    }

    [Fact]
    public async Task Lists_active_sessions_and_the_history_across_pages()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var avatar = await scope.CreateAvatarAsync();
            created.Add((await avatar.NewSessionAsync(new StartAvatarRequest())).SessionId);
        }

        var active = await admin.ListActiveSessionsAsync();
        var history = new List<SessionHistoryEntry>();
        await foreach (var entry in admin.ListSessionHistoryAsync(new SessionHistoryQuery { PageSize = 2 }))
        {
            history.Add(entry);
        }

        active.Select(s => s.SessionId).Should().Contain(created);
        history.Select(h => h.SessionId).Should().Contain(created);
        scope.Calls(KonProOperationIds.ListSessionHistory).Count.Should().BeGreaterThan(1, "three sessions at two per page need the cursor");
    }

    [Fact]
    public async Task History_page_size_is_validated_before_any_call()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();

        var act = async () =>
        {
            await foreach (var entry in admin.ListSessionHistoryAsync(new SessionHistoryQuery { PageSize = 101 }))
            {
            }
        };

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>().WithMessage("*between 1 and 100*");
        scope.Calls(KonProOperationIds.ListSessionHistory).Should().BeEmpty();
    }

    [Fact]
    public async Task Creates_lists_updates_and_deletes_a_knowledge_base()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();

        var id = await admin.CreateKnowledgeBaseAsync(new KnowledgeBaseDefinition { Name = "faq", Opening = "Hi!", Prompt = "Be brief." });
        (await admin.ListKnowledgeBasesAsync()).Should().Contain(k => k.Id == id && k.Name == "faq" && k.Prompt == "Be brief.");

        await admin.UpdateKnowledgeBaseAsync(id, new KnowledgeBaseDefinition { Name = "faq2", Prompt = "Be kind." });
        (await admin.ListKnowledgeBasesAsync()).Should().Contain(k => k.Id == id && k.Name == "faq2");

        await admin.DeleteKnowledgeBaseAsync(id);
        (await admin.ListKnowledgeBasesAsync()).Should().NotContain(k => k.Id == id);

        var again = () => admin.DeleteKnowledgeBaseAsync(id);
        await again.Should().ThrowAsync<KonProNotFoundException>();
    }

    [Fact]
    public async Task Knowledge_base_without_a_name_is_rejected_before_any_call()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();

        var act = () => admin.CreateKnowledgeBaseAsync(new KnowledgeBaseDefinition { Name = " " });

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*Name*");
        scope.Calls(KonProOperationIds.CreateKnowledgeBase).Should().BeEmpty();
    }

    [Fact]
    public void ToString_does_not_show_the_key()
    {
        using var admin = new KonProAdminClient("sk-very-secret", "http://127.0.0.1:1");

        admin.ToString().Should().NotContain("sk-very-secret");
    }
}

public sealed class KonProAdminClientEnvelopeTests
{
    [Fact]
    public async Task Create_token_error_envelope_in_a_200_answer_is_an_exception()
    {
        await using var scope = await FakeServerScope.StartAsync();
        using var admin = scope.CreateAdmin();
        scope.Server.Faults.FailNext(KonProOperationIds.CreateToken, 1, FaultAnswer.Raw(200, """{"error":{"code":"INVALID_API_KEY","message":"key revoked"},"data":null}"""));

        var act = () => admin.CreateTokenAsync();

        var thrown = await act.Should().ThrowAsync<KonProAuthenticationException>();
        thrown.Which.ApiMessage.Should().Be("key revoked");
        thrown.Which.Operation.Should().Be("CreateToken");
    }
}
