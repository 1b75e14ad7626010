using System.Diagnostics.Metrics;

namespace KonPro.Streaming.Tests.Diagnostics;

/// <summary>
/// Sessions without a meter factory share one meter, its instruments and one activity source for the process (each
/// session's own was a few kilobytes of its memory); a meter factory still gets a meter per instance.
/// </summary>
public sealed class KonProTelemetrySharingTests
{
    [Fact]
    public void Instances_without_a_meter_factory_share_the_meter_and_the_activity_source_and_disposing_one_leaves_them_working()
    {
        var first = new KonProTelemetry();
        using var second = new KonProTelemetry();
        second.CallDuration.Should().BeSameAs(first.CallDuration);
        second.Retries.Meter.Should().BeSameAs(first.Retries.Meter);
        second.ActivitySource.Should().BeSameAs(first.ActivitySource);
        var counted = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument, second.Retries))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();

        first.Dispose();
        second.Retries.Add(2);

        Interlocked.Read(ref counted).Should().Be(2, "the shared meter outlives any one session");
    }

    [Fact]
    public void Instances_with_a_meter_factory_get_a_meter_of_their_own()
    {
        using var factory = new Factory();
        using var first = new KonProTelemetry(factory);
        using var second = new KonProTelemetry(factory);
        using var shared = new KonProTelemetry();

        first.CallDuration.Meter.Should().NotBeSameAs(second.CallDuration.Meter);
        first.CallDuration.Meter.Should().NotBeSameAs(shared.CallDuration.Meter);
        first.CallDuration.Meter.Name.Should().Be(KonProDiagnostics.MeterName);
        first.ActivitySource.Should().NotBeSameAs(shared.ActivitySource);
    }

    private sealed class Factory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
