using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KonPro.Streaming.Testing.Tests.Support;
using KonPro.Streaming.TestSupport;

namespace KonPro.Streaming.Testing.Tests.Readme;

/// <summary>
/// Runs the README's curl walkthrough against the fake: reads the block after <c>&lt;!-- curl-walkthrough --&gt;</c>,
/// expands its shell variables, and sends each curl command with HttpClient (method, URL, headers, body as written),
/// taking <c>VAR=$(curl … | jq -r .path)</c> results from the answers. The socket URL it echoes is opened for real.
/// </summary>
public sealed partial class CurlWalkthroughTests
{
    [Fact]
    public async Task The_READMEs_curl_walkthrough_runs_against_the_fake()
    {
        var lines = WalkthroughLines();
        await using var server = await Servers.StartAsync();
        using var http = new HttpClient();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new List<(string Path, HttpStatusCode Status, string Body)>();
        ChatClient? chat = null;
        try
        {
            foreach (var line in lines)
            {
                if (Assignment().Match(line) is { Success: true } assign && !assign.Groups[2].Value.StartsWith("$(", StringComparison.Ordinal))
                {
                    variables[assign.Groups[1].Value] = Shell.Words(assign.Groups[2].Value, variables).Single();
                    continue;
                }

                if (CapturedCurl().Match(line) is { Success: true } captured)
                {
                    var answer = await SendCurlAsync(http, Shell.Words(captured.Groups[2].Value, Redirect(variables, server)));
                    answers.Add(answer);
                    variables[captured.Groups[1].Value] = JqPath(answer.Body, captured.Groups[3].Value);
                    continue;
                }

                var words = Shell.Words(line, Redirect(variables, server));
                if (words[0] == "curl")
                {
                    answers.Add(await SendCurlAsync(http, words));
                }
                else if (words[0] == "echo")
                {
                    // The socket URL: open it as printed; a refused URL would close 4401 at once.
                    chat = await ChatClient.ConnectAsync(new Uri(words[1]));
                }
                else
                {
                    throw new InvalidOperationException($"The walkthrough has a line this test cannot run: {line}");
                }
            }

            answers.Select(a => a.Path).Should().Equal(
                "/v1/streaming/create_token", "/v1/streaming/new", "/v1/streaming/start", "/v1/streaming/task", "/v1/streaming/stop");
            answers.Should().OnlyContain(a => a.Status == HttpStatusCode.OK);
            variables["TOKEN"].Should().StartWith("st_");
            server.GetSession(variables["SESSION"])!.CloseReason.Should().Be("session_stopped");
            server.GetSession(variables["SESSION"])!.Tasks.Should().ContainSingle(t => t.RequestText == "Hello there");
            chat.Should().NotBeNull("the walkthrough prints the chat socket's URL");
            await chat!.WaitForAsync("avatar_stop_talking");
            ((int?)(await chat.WaitClosedAsync()).Status).Should().Be(1000);
        }
        finally
        {
            if (chat is not null)
            {
                await chat.DisposeAsync();
            }
        }
    }

    private static List<string> WalkthroughLines()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var start = readme.IndexOf("<!-- curl-walkthrough -->", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, "the README marks its curl walkthrough");
        var open = readme.IndexOf("```bash\n", start, StringComparison.Ordinal) + "```bash\n".Length;
        var close = readme.IndexOf("```", open, StringComparison.Ordinal);
        return [.. readme[open..close].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    // The README's BASE and WS name the CLI's default port; the test's fake listens elsewhere.
    private static Dictionary<string, string> Redirect(Dictionary<string, string> variables, KonProFakeServer server)
    {
        variables["BASE"].Should().Be("http://127.0.0.1:5080");
        variables["WS"].Should().Be("ws://127.0.0.1:5080");
        return new Dictionary<string, string>(variables, StringComparer.Ordinal)
        {
            ["BASE"] = server.Url,
            ["WS"] = server.Url.Replace("http://", "ws://", StringComparison.Ordinal),
        };
    }

    private static async Task<(string Path, HttpStatusCode Status, string Body)> SendCurlAsync(HttpClient http, IReadOnlyList<string> words)
    {
        var method = HttpMethod.Get;
        string? url = null;
        string? body = null;
        var headers = new List<(string Name, string Value)>();
        for (var i = 1; i < words.Count; i++)
        {
            switch (words[i])
            {
                case "-s":
                    break;
                case "-X":
                    method = new HttpMethod(words[++i]);
                    break;
                case "-H":
                    var header = words[++i].Split(':', 2);
                    headers.Add((header[0].Trim(), header[1].Trim()));
                    break;
                case "-d":
                    body = words[++i];
                    break;
                default:
                    words[i].Should().StartWith("http", "every other curl word of the walkthrough is its URL");
                    url = words[i];
                    break;
            }
        }

        using var request = new HttpRequestMessage(method, url);
        var contentType = headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/x-www-form-urlencoded");
        }

        foreach (var (name, value) in headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(name, value).Should().BeTrue(name);
        }

        using var response = await http.SendAsync(request);
        return (request.RequestUri!.AbsolutePath, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string JqPath(string json, string path)
    {
        using var document = JsonDocument.Parse(json);
        var node = document.RootElement;
        foreach (var name in path.TrimStart('.').Split('.'))
        {
            node = node.GetProperty(name);
        }

        return node.GetString()!;
    }

    [GeneratedRegex(@"^([A-Z_]+)=(.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^([A-Z_]+)=\$\((curl .*) \| jq -r (\.[a-z_.]+)\)$")]
    private static partial Regex CapturedCurl();

    /// <summary>The part of POSIX shell word splitting the walkthrough uses: quotes, backslash escapes in double quotes, $VAR.</summary>
    private static class Shell
    {
        public static List<string> Words(string line, IReadOnlyDictionary<string, string> variables)
        {
            var words = new List<string>();
            var word = new StringBuilder();
            var inWord = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (c == ' ' && inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    continue;
                }

                if (c == ' ')
                {
                    continue;
                }

                inWord = true;
                if (c == '\'')
                {
                    var end = line.IndexOf('\'', i + 1);
                    word.Append(line, i + 1, end - i - 1);
                    i = end;
                }
                else if (c == '"')
                {
                    for (i++; line[i] != '"'; i++)
                    {
                        if (line[i] == '\\' && line[i + 1] is '"' or '\\' or '$')
                        {
                            word.Append(line[++i]);
                        }
                        else if (line[i] == '$')
                        {
                            i = Expand(line, i, variables, word);
                        }
                        else
                        {
                            word.Append(line[i]);
                        }
                    }
                }
                else if (c == '$')
                {
                    i = Expand(line, i, variables, word);
                }
                else
                {
                    word.Append(c);
                }
            }

            if (inWord)
            {
                words.Add(word.ToString());
            }

            return words;
        }

        private static int Expand(string line, int dollar, IReadOnlyDictionary<string, string> variables, StringBuilder word)
        {
            var end = dollar + 1;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
            {
                end++;
            }

            var name = line[(dollar + 1)..end];
            word.Append(variables.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"${name} is not set"));
            return end - 1;
        }
    }
}
