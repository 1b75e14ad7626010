namespace KonPro.Streaming.Tests.Realtime;

public sealed class ReconnectPolicyTests
{
    [Fact]
    public void Without_jitter_the_delay_doubles_up_to_the_maximum()
    {
        var policy = new ReconnectPolicy
        {
            MaxAttempts = 8,
            InitialDelay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(5),
            JitterRatio = 0,
        };
        var random = policy.CreateJitterSource();

        Enumerable.Range(1, 7).Select(a => policy.GetDelay(a, random).TotalMilliseconds)
            .Should().Equal(500, 1000, 2000, 4000, 5000, 5000, 5000);
    }

    [Fact]
    public void Jitter_stays_within_its_ratio_and_the_maximum()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4), JitterRatio = 0.25, JitterSeed = 42 };
        var random = policy.CreateJitterSource();

        for (var i = 0; i < 200; i++)
        {
            policy.GetDelay(1, random).TotalMilliseconds.Should().BeInRange(750, 1250);
            policy.GetDelay(5, random).TotalMilliseconds.Should().BeInRange(3000, 4000);
        }
    }

    [Fact]
    public void A_seed_makes_the_schedule_reproducible()
    {
        var policy = new ReconnectPolicy { JitterSeed = 7 };
        var a = policy.CreateJitterSource();
        var b = policy.CreateJitterSource();

        Enumerable.Range(1, 5).Select(n => policy.GetDelay(n, a))
            .Should().Equal(Enumerable.Range(1, 5).Select(n => policy.GetDelay(n, b)));
    }

    [Theory]
    [InlineData(nameof(ReconnectPolicy.MaxAttempts))]
    [InlineData(nameof(ReconnectPolicy.InitialDelay))]
    [InlineData(nameof(ReconnectPolicy.MaxDelay))]
    [InlineData(nameof(ReconnectPolicy.BackoffMultiplier))]
    [InlineData(nameof(ReconnectPolicy.JitterRatio))]
    public void Validation_names_the_field_out_of_range(string field)
    {
        var policy = field switch
        {
            nameof(ReconnectPolicy.MaxAttempts) => new ReconnectPolicy { MaxAttempts = 0 },
            nameof(ReconnectPolicy.InitialDelay) => new ReconnectPolicy { InitialDelay = TimeSpan.FromMinutes(1) },
            nameof(ReconnectPolicy.MaxDelay) => new ReconnectPolicy { MaxDelay = TimeSpan.Zero },
            nameof(ReconnectPolicy.BackoffMultiplier) => new ReconnectPolicy { BackoffMultiplier = 0.5 },
            _ => new ReconnectPolicy { JitterRatio = double.NaN },
        };

        policy.Invoking(p => p.Validate()).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(field);
    }

    [Fact]
    public void The_default_policy_is_valid()
    {
        ReconnectPolicy.Default.Invoking(p => p.Validate()).Should().NotThrow();
    }
}
