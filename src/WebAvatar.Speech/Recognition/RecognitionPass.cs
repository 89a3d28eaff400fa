namespace WebAvatar.Speech.Recognition;

/// <summary>Why an utterance is decoded: an interim look at a growing utterance, or its transcript of record.</summary>
public enum RecognitionPass
{
    /// <summary>The utterance so far, while the user is still speaking; superseded by later passes.</summary>
    Partial,

    /// <summary>The whole utterance (or a speculative end of it).</summary>
    Final,
}
