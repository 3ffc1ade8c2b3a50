// Reading whole files with POSIX calls: Foundation's errors on Linux hide errno, and users
// need "Permission denied" or "No such file or directory", not "operation not completed".
import Foundation

/// A file that could not be read, with the operating system's reason.
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

enum FileBytes {
    static func read(_ url: URL) throws(FileReadError) -> Data {
        let fd = open(url.path, O_RDONLY)
        if fd < 0 { throw FileReadError(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw FileReadError(description: String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw FileReadError(description: "is a directory") }
        var data = Data(count: Int(st.st_size))
        var total = 0
        let failure: Int32 = data.withUnsafeMutableBytes { raw in
            while total < raw.count {
                let n = Foundation.read(fd, raw.baseAddress! + total, raw.count - total)
                if n < 0 { if errno == EINTR { continue }; return errno }
                if n == 0 { break }
                total += n
            }
            return 0
        }
        if failure != 0 { throw FileReadError(description: String(cString: strerror(failure))) }
        if total < data.count { data.removeSubrange(total...) }
        return data
    }
}
