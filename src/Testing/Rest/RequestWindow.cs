using WireMock.Models;

namespace KonPro.Streaming.Testing.Rest;

/// <summary>
/// A mapping's time window that is open or shut by the request being served, not by the clock: a shut window starts
/// at <see cref="DateTime.MaxValue"/>, so WireMock passes over the mapping without matching it. The request gates
/// (<see cref="AdminRequestGate"/>, <see cref="RouteGate"/>) set what <paramref name="isOpen"/> reads before WireMock's
/// middleware runs.
/// </summary>
/// <param name="isOpen">Whether the request being served may try the mapping.</param>
/// <param name="name">What the window belongs to, for the error when someone tries to change it.</param>
internal sealed class RequestWindow(Func<bool> isOpen, string name) : ITimeSettings
{
    /// <inheritdoc />
    public DateTime? Start
    {
        get => isOpen() ? null : DateTime.MaxValue;
        set => throw Fixed();
    }

    /// <inheritdoc />
    public DateTime? End
    {
        get => null;
        set => throw Fixed();
    }

    /// <inheritdoc />
    public int? TTL
    {
        get => null;
        set => throw Fixed();
    }

    private NotSupportedException Fixed() => new($"{name} window is fixed.");
}
