namespace DistSync.Security;

/// <summary>Writes key material the way ssh does: a new file readable only by its owner, never over an existing one.</summary>
public static class SecretFile
{
    /// <summary>Creates <paramref name="path"/> (and its folder) with mode 0600 and writes <paramref name="text"/>;
    /// an existing file is an <see cref="IOException"/> naming <paramref name="whyNotOverwrite"/>.</summary>
    public static void WriteNew(string path, string text, string whyNotOverwrite)
    {
        if (File.Exists(path)) throw new IOException($"{path} exists already; {whyNotOverwrite}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new StreamWriter(path, options);
        file.Write(text);
    }

    /// <summary>Writes a public file (a certificate): mode 0644, refusing to overwrite like <see cref="WriteNew"/>.</summary>
    public static void WritePublic(string path, string text, string whyNotOverwrite)
    {
        if (File.Exists(path)) throw new IOException($"{path} exists already; {whyNotOverwrite}");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        using var file = new StreamWriter(path, options);
        file.Write(text);
    }

    /// <summary>Writes <paramref name="text"/> to a new file beside <paramref name="path"/> (0600 when
    /// <paramref name="secret"/>, else 0644) and renames it over <paramref name="path"/>: a reader sees the old file or
    /// the new one, never half of either.</summary>
    public static void Replace(string path, string text, bool secret)
    {
        var temporary = path + ".new";
        File.Delete(temporary);
        if (secret) WriteNew(temporary, text, "");
        else WritePublic(temporary, text, "");
        File.Move(temporary, path, overwrite: true);
    }
}
