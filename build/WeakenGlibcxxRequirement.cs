// MSBuild task (compiled by RoslynCodeTaskFactory): makes TorchSharp's native glue load on systems whose
// libstdc++ predates GLIBCXX_3.4.32 (Debian 12). libLibTorchSharp.so asks for that version only for
// _ZSt21ios_base_library_initv, which it never calls, so the requirement is marked weak
// (VER_FLG_WEAK in its .gnu.version_r entry): the loader then accepts a libstdc++ without it.
// Idempotent, and harmless where libstdc++ already has the version.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxRequirement : Task
{
    [Required] public ITaskItem[] Directories { get; set; } = Array.Empty<ITaskItem>();
    public string FileName { get; set; } = "libLibTorchSharp.so";
    public string Version { get; set; } = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        foreach (var dir in Directories)
        {
            var root = dir.ItemSpec;
            if (!System.IO.Directory.Exists(root)) continue;
            foreach (var file in System.IO.Directory.EnumerateFiles(root, FileName, SearchOption.AllDirectories))
            {
                try
                {
                    var changed = Patch(file, Version);
                    if (changed) Log.LogMessage(MessageImportance.High, $"Weakened {Version} requirement in {file}");
                }
                catch (Exception e)
                {
                    Log.LogError($"Could not patch {file}: {e.Message}");
                }
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns true when the file was changed, false when it was already weak or has no such requirement.</summary>
    public static bool Patch(string path, string version)
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (bytes[4] != 2 || bytes[5] != 1) throw new InvalidDataException("only little-endian ELF64 is supported");
        long shoff = BitConverter.ToInt64(bytes, 0x28);
        int shentsize = BitConverter.ToUInt16(bytes, 0x3A);
        int shnum = BitConverter.ToUInt16(bytes, 0x3C);
        bool changed = false;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(bytes, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(bytes, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(bytes, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(bytes, (int)sh + 0x2C);
            long strOffset = BitConverter.ToInt64(bytes, (int)(shoff + (long)link * shentsize) + 0x18);
            long vn = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(bytes, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(bytes, (int)vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int flagsAt = (int)aux + 4;
                    long nameAt = strOffset + BitConverter.ToUInt32(bytes, (int)aux + 8);
                    if (ReadCString(bytes, nameAt) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(bytes, flagsAt);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            bytes[flagsAt] = (byte)(flags & 0xff);
                            bytes[flagsAt + 1] = (byte)(flags >> 8);
                            changed = true;
                        }
                    }
                    aux += BitConverter.ToUInt32(bytes, (int)aux + 12);
                }
                vn += BitConverter.ToUInt32(bytes, (int)vn + 12);
            }
        }
        if (changed)
        {
            // Write beside and rename so a concurrent loader never sees a half-written library.
            var tmp = path + ".weaken.tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Replace(tmp, path, null);
        }
        return changed;
    }

    static string ReadCString(byte[] bytes, long at)
    {
        int end = (int)at;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, (int)at, end - (int)at);
    }
}
