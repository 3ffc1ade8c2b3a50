// Why a file operation failed, in the words monkpipe uses everywhere ("permission denied",
// "disk full", "folder /w/x does not exist", "it is a folder, not a file"), from the system's
// error number. Here, with no Foundation, so that every module says them the same way: the
// spec loader (MonkPlan) as much as the engine's FileSystemError and the data readers.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum FileErrorWords {
    /// Why a system call on `path` failed with `code` (errno). A missing file or a folder on
    /// the way that is a file is located on the disk: "folder /w/x does not exist", "/w/x is a
    /// file, not a folder", "no such file" (`folder`: "no such folder").
    public static func reason(errno code: Int32, path: String?, folder: Bool = false) -> String {
        if code == ENOENT || code == ENOTDIR, let path, let blocked = blockage(path, folder: folder) { return blocked }
        switch code {
        case EACCES: return "permission denied"
        case ENOSPC: return "disk full"
        case EDQUOT: return "disk quota exceeded"
        case EROFS: return "read-only file system"
        case EEXIST: return inTheWay(path)
        case EISDIR: return "it is a folder, not a file"
        case ENOTDIR: return "a folder on the way is a file"
        case ENOENT: return "no such file or folder"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "a symbolic link loop"
        case EMFILE, ENFILE: return "too many open files"
        default:
            // The system's own words ("Operation not permitted"), as the middle of a sentence.
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
    }

    /// What is already at `path` when it cannot be created.
    public static func inTheWay(_ path: String?) -> String {
        guard let path, let folder = isFolder(path) else { return "it already exists" }
        return folder ? "a folder is already there" : "a file is in the way"
    }

    /// Which part of `path` is not there or not a folder: "folder /w/x does not exist",
    /// "/w/x is a file, not a folder", or "no such file" ("no such folder") for the last part;
    /// nil when every part is there.
    public static func blockage(_ path: String, folder: Bool) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        var prefix = path.hasPrefix("/") ? "" : "."
        for (i, part) in parts.enumerated() {
            prefix += "/" + part
            let last = i == parts.count - 1
            guard let isFolder = isFolder(prefix) else {
                return last ? (folder ? "no such folder" : "no such file") : "folder \(prefix) does not exist"
            }
            if !last && !isFolder { return "\(prefix) is a file, not a folder" }
        }
        return nil
    }

    /// Whether `path` (symbolic links followed) is a folder; nil when nothing is there.
    static func isFolder(_ path: String) -> Bool? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }
}
