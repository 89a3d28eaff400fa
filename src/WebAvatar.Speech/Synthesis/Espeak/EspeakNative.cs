using System.Runtime.InteropServices;

namespace WebAvatar.Speech.Synthesis.Espeak;

/// <summary>
/// P/Invoke surface of Debian's libespeak-ng 1.51 (speak_lib.h). Every function here touches
/// process-global state and is not thread-safe: call them only from <see cref="EspeakRuntime"/>'s worker thread.
/// </summary>
internal static unsafe partial class EspeakNative
{
    public const string Library = "libespeak-ng.so.1";

    public const int AudioOutputSynchronous = 2;
    public const int InitializePhonemeEvents = 0x0001;
    public const int InitializePhonemeIpa = 0x0002;

    /// <summary>Return errors instead of calling exit() when the data files are missing.</summary>
    public const int InitializeDontExit = 0x8000;

    public const uint CharsUtf8 = 1;
    public const int CharsAuto = 0;
    public const int PositionCharacter = 1;
    public const int PhonemeModeIpa = 0x02;

    public const int ErrorOk = 0;
    public const int ErrorNotFound = 2;

    public const int ParameterRate = 1;
    public const int ParameterVolume = 2;
    public const int ParameterPitch = 3;

    public const int EventListTerminated = 0;
    public const int EventPhoneme = 7;

    [StructLayout(LayoutKind.Sequential)]
    public struct Event
    {
        public int Type;
        public uint UniqueIdentifier;
        public int TextPosition;
        public int Length;

        /// <summary>Milliseconds from the start of the current espeak_Synth call's audio.</summary>
        public int AudioPosition;
        public int Sample;
        public nint UserData;

        /// <summary>Union: number, name pointer, or (phoneme events) up to 8 bytes of UTF-8, not always NUL-terminated.</summary>
        public fixed byte Id[8];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Voice
    {
        public byte* Name;

        /// <summary>Sequence of (priority byte, NUL-terminated language) pairs, ended by a 0 priority byte.</summary>
        public byte* Languages;
        public byte* Identifier;
        public byte Gender;
        public byte Age;
        public byte Variant;
        public byte Xx1;
        public int Score;
        public nint Spare;
    }

    [LibraryImport(Library, EntryPoint = "espeak_Initialize")]
    public static partial int Initialize(int output, int bufferLengthMs, byte* path, int options);

    [LibraryImport(Library, EntryPoint = "espeak_SetSynthCallback")]
    public static partial void SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, Event*, int> callback);

    [LibraryImport(Library, EntryPoint = "espeak_SetVoiceByName")]
    public static partial int SetVoiceByName(byte* name);

    [LibraryImport(Library, EntryPoint = "espeak_SetParameter")]
    public static partial int SetParameter(int parameter, int value, int relative);

    [LibraryImport(Library, EntryPoint = "espeak_Synth")]
    public static partial int Synth(
        byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, uint* uniqueIdentifier, void* userData);

    [LibraryImport(Library, EntryPoint = "espeak_ListVoices")]
    public static partial Voice** ListVoices(Voice* voiceSpec);

    [LibraryImport(Library, EntryPoint = "espeak_TextToPhonemes")]
    public static partial byte* TextToPhonemes(byte** textPointer, int textMode, int phonemeMode);
}
