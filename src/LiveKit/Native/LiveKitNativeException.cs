namespace KonPro.Streaming.LiveKit;

/// <summary>LiveKit's native client core refused a request, failed one, or could not be loaded.</summary>
public sealed class LiveKitNativeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LiveKitNativeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public LiveKitNativeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public LiveKitNativeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
