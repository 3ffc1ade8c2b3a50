// Listing a folder-per-class dataset with POSIX calls, so that nothing in it disappears
// unnamed: Foundation drops names that are not UTF-8 and reports a dangling symbolic link
// as absent. Every entry ends up as an image candidate or as an unused entry with a reason.
import Foundation
import MonkEngine
import MonkVocabulary

/// An entry of a dataset folder that is not read as an image, and why (hidden files, folders
/// inside class folders, files beside the class folders, names that cannot be a class).
public struct UnusedEntry: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// Relative to the dataset root; bytes that are not UTF-8 are shown as `\xNN`.
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(TerminalText.escaped(path)): \(reason)" }
}

/// The entries of one folder-per-class dataset.
struct FolderListing {
    /// (relative path, class folder) of every entry of a class folder that may be an image:
    /// regular files, and also FIFOs, devices and broken links, which the scan then refuses
    /// by name under `on_bad_image` (a file the user put there is never dropped in silence).
    var candidates: [(path: String, className: String)] = []
    /// Entries whose very name makes them unusable as images (not UTF-8), by path, with why.
    var refused: [String: String] = [:]
    var unused: [UnusedEntry] = []

    init(root: URL) throws(DatasetError) {
        let top = try FolderListing.entries(root.path)
        for name in top.sorted(by: { $0.display < $1.display }) {
            if name.display.hasPrefix(".") {
                unused.append(UnusedEntry(path: name.display, reason: "hidden (the name starts with a dot)"))
                continue
            }
            guard let className = name.text else {
                unused.append(UnusedEntry(path: name.display, reason: "the name is not valid UTF-8, so it cannot be a class name; rename it"))
                continue
            }
            let kind = FolderListing.kind(root.path + "/" + className)
            guard kind == .directory else {
                unused.append(UnusedEntry(path: className, reason: kind.besideClasses))
                continue
            }
            let files = try FolderListing.entries(root.path + "/" + className)
            for file in files.sorted(by: { $0.display < $1.display }) {
                let path = className + "/" + file.display
                if file.display.hasPrefix(".") {
                    unused.append(UnusedEntry(path: path, reason: "hidden (the name starts with a dot)"))
                } else if file.text == nil {
                    candidates.append((path, className))
                    refused[path] = "the file name is not valid UTF-8; rename the file"
                } else if FolderListing.kind(root.path + "/" + path) == .directory {
                    unused.append(UnusedEntry(path: path, reason: "a folder inside a class folder (only files directly in a class folder are read)"))
                } else {
                    candidates.append((path, className))
                }
            }
        }
    }

    /// A directory entry's name: its text when it is UTF-8, and a printable form in any case.
    struct Name {
        var text: String?
        var display: String
    }

    /// The names in `path` (without "." and ".."), or why the folder cannot be listed.
    static func entries(_ path: String) throws(DatasetError) -> [Name] {
        guard let dir = opendir(path) else {
            throw .unreadableFolder(path, reason: FileErrorWords.reason(errno: errno, path: path, folder: true))
        }
        defer { closedir(dir) }
        var names: [Name] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw .unreadableFolder(path, reason: FileErrorWords.reason(errno: errno, path: path, folder: true)) }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes == [0x2e] || bytes == [0x2e, 0x2e] { continue }
            let text = String(validating: bytes, as: UTF8.self)
            names.append(Name(text: text, display: text ?? TerminalText.escaped(bytes: bytes)))
        }
        return names
    }

    enum Kind: Equatable {
        case directory, regular, special, danglingLink, linkLoop
        case failed(String)

        /// Why an entry beside the class folders is not used.
        var besideClasses: String {
            switch self {
            case .directory: return "a folder"
            case .regular: return "a file beside the class folders (only class folders are read)"
            case .special: return "not a folder (a FIFO, socket or device) beside the class folders"
            case .danglingLink: return "a symbolic link whose target does not exist"
            case .linkLoop: return "a symbolic link loop"
            case .failed(let why): return "cannot be examined: \(why)"
            }
        }
    }

    /// What `path` is, following symbolic links.
    static func kind(_ path: String) -> Kind {
        var st = stat()
        if stat(path, &st) == 0 {
            switch st.st_mode & S_IFMT {
            case S_IFDIR: return .directory
            case S_IFREG: return .regular
            default: return .special
            }
        }
        let code = errno
        if code == ELOOP { return .linkLoop }
        if code == ENOENT, lstat(path, &st) == 0 { return .danglingLink }
        return .failed(FileErrorWords.reason(errno: code, path: path))
    }
}
