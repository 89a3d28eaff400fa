using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace WebAvatar.Media.Flv;

/// <summary>The few AMF0 values an FLV onMetaData script tag needs.</summary>
internal static class Amf0Writer
{
    private const byte Number = 0x00;
    private const byte Boolean = 0x01;
    private const byte String = 0x02;
    private const byte EcmaArray = 0x08;
    private const byte ObjectEnd = 0x09;

    public static void WriteString(IBufferWriter<byte> w, string value)
    {
        Put(w, String);
        WriteKey(w, value);
    }

    public static void WriteEcmaArray(IBufferWriter<byte> w, IReadOnlyList<KeyValuePair<string, object>> entries)
    {
        Put(w, EcmaArray);
        var count = w.GetSpan(4);
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)entries.Count);
        w.Advance(4);
        foreach (var (key, value) in entries)
        {
            WriteKey(w, key);
            switch (value)
            {
                case double d:
                    WriteNumber(w, d);
                    break;
                case int i:
                    WriteNumber(w, i);
                    break;
                case bool b:
                    Put(w, Boolean);
                    Put(w, b ? (byte)1 : (byte)0);
                    break;
                case string s:
                    WriteString(w, s);
                    break;
                default:
                    throw new ArgumentException($"AMF0 writer cannot encode {value.GetType().Name} for '{key}'.");
            }
        }

        WriteKey(w, string.Empty);
        Put(w, ObjectEnd);
    }

    private static void WriteNumber(IBufferWriter<byte> w, double value)
    {
        Put(w, Number);
        var span = w.GetSpan(8);
        BinaryPrimitives.WriteDoubleBigEndian(span, value);
        w.Advance(8);
    }

    private static void WriteKey(IBufferWriter<byte> w, string key)
    {
        int length = Encoding.UTF8.GetByteCount(key);
        var span = w.GetSpan(2 + length);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)length);
        Encoding.UTF8.GetBytes(key, span[2..]);
        w.Advance(2 + length);
    }

    private static void Put(IBufferWriter<byte> w, byte value)
    {
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }
}
