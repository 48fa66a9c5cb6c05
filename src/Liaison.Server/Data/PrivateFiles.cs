namespace Liaison.Server.Data;

/// <summary>
/// The data directory is the owner's alone: password hashes, every message, the keys that decrypt
/// channel secrets. On Unix its folders are created 0700 and its files 0600 whatever the process
/// umask, and what an older version left readable is tightened at start-up. Files a library
/// creates itself (SQLite's database, its -wal and -shm, which take the database's mode; the
/// data-protection keys) sit in 0700 folders, so other local users cannot reach them either way.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> and its missing parents 0700; an existing folder keeps its mode (see <see cref="Tighten"/>).</summary>
    public static DirectoryInfo CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path);
        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; its parents get the umask's.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
            if (Path.GetDirectoryName(folder) is null) break;
        }
        while (missing.TryPop(out var folder)) Directory.CreateDirectory(folder, DirectoryMode);
        return new DirectoryInfo(path);
    }

    /// <summary>Options for a file we create: 0600 on Unix.</summary>
    public static FileStreamOptions NewFile(System.IO.FileMode mode = System.IO.FileMode.CreateNew, int bufferSize = 4096, bool async = false)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = async ? FileOptions.Asynchronous : FileOptions.None,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return options;
    }

    /// <summary>
    /// Creates the data directory 0700 and makes everything in it owner-only: folders 0700, files
    /// 0600. Runs at every start; it only writes where a mode differs. Symbolic links are not followed.
    /// </summary>
    public static void Tighten(string dataDirectory)
    {
        CreateDirectory(dataDirectory);
        if (OperatingSystem.IsWindows()) return;
        Set(new DirectoryInfo(dataDirectory), DirectoryMode);
        var walk = new Stack<DirectoryInfo>([new DirectoryInfo(dataDirectory)]);
        while (walk.TryPop(out var folder))
        {
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null) continue;
                if (entry is DirectoryInfo child)
                {
                    Set(child, DirectoryMode);
                    walk.Push(child);
                }
                else
                {
                    Set(entry, FileMode);
                }
            }
        }
    }

    /// <summary>Sets a file's mode to 0600 when it exists (a database file SQLite created with the umask's).</summary>
    public static void TightenFile(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path)) Set(new FileInfo(path), FileMode);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Set(FileSystemInfo entry, UnixFileMode mode)
    {
        if (entry.UnixFileMode != mode) entry.UnixFileMode = mode;
    }
}
