// The errors Foundation and the system throw for files (CocoaError, NSPOSIXErrorDomain,
// POSIXError), as one line a user reads: what could not be done, on which path, and why —
// "cannot create folder /w/sgd/output/test: a file is in the way" — in place of the dump of
// domain, code and user info that "\(error)" prints on Linux. Every place that shows or records
// an error goes through `text(_:)`; errors of monkpipe's own types pass through unchanged.
import Foundation
import MonkVocabulary
#if canImport(Glibc)
import Glibc
#endif

public struct FileSystemError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What could not be done: "create folder", "create", "write", "read", "read folder",
    /// "delete", "copy SOURCE to"; nil for a bare POSIXError, which names no operation.
    public var action: String?
    public var path: String?
    /// Why: "a file is in the way", "permission denied", "disk full", "folder /w/x does not exist".
    public var reason: String

    public init(action: String?, path: String?, reason: String) {
        self.action = action
        self.path = path
        self.reason = reason
    }

    public var description: String {
        guard let action, let path else { return reason }
        return "cannot \(action) \(path): \(reason)"
    }

    /// How an error is shown or recorded: a file error of Foundation or the system as
    /// "cannot ACTION PATH: REASON", any other error as its own description.
    public static func text(_ error: any Error) -> String {
        if let d = error as? DecodingError { return "a file monkpipe reads is damaged (\(DamagedFile.problem(d)))" }
        return FileSystemError(error)?.description ?? "\(error)"
    }

    /// Only why, for a message that names the path itself ("cannot read split manifest P: …").
    public static func reason(_ error: any Error) -> String {
        if let d = error as? DecodingError { return "the file is damaged (\(DamagedFile.problem(d)))" }
        return FileSystemError(error)?.reason ?? "\(error)"
    }

    /// nil unless `error` is a CocoaError of a file (codes 0–1023) or a POSIX error.
    public init?(_ error: any Error) {
        if let e = error as? FileSystemError { self = e; return }
        let ns = error as NSError
        let cocoa: Int?
        let posix: Int32?
        switch ns.domain {
        case NSPOSIXErrorDomain:
            (cocoa, posix) = (nil, Int32(ns.code))
        case NSCocoaErrorDomain where (0...1023).contains(ns.code):
            // A CocoaError carries its underlying error as a Swift error, not as an NSError.
            let under = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
            (cocoa, posix) = (ns.code, under.flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil })
        default:
            return nil
        }
        var path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        let variant = (ns.userInfo["NSUserStringVariant"] as? [String])?.first
        let action: String?
        if let to = ns.userInfo["NSDestinationFilePath"] as? String, variant == "Copy" || variant == "Move" {
            let from = ns.userInfo["NSSourceFilePathErrorKey"] as? String ?? path
            action = (variant == "Copy" ? "copy" : "move") + (from.map { " \($0) to" } ?? "")
            path = to
        } else if variant == "Remove" {
            action = "delete"
        } else if let cocoa, (256..<512).contains(cocoa) {
            action = variant == "Folder" ? "read folder" : "read"
        } else if cocoa == nil {
            action = nil
        } else if cocoa == CocoaError.fileWriteFileExists.rawValue || posix == EEXIST {
            // Where Foundation reports "already exists": FileManager.createDirectory on a file.
            action = "create folder"
        } else {
            // Writing (512–1023) or a missing folder on the way (4): a path that is not there
            // yet was being created, whether a file or a folder.
            action = path.map { FileManager.default.fileExists(atPath: $0) } == true ? "write" : "create"
        }
        self.init(action: action, path: path, reason: Self.why(cocoa: cocoa, posix: posix, path: path, action: action))
    }

    /// Why a system call on `path` failed with `code` (errno), in the same words.
    public static func reason(errno code: Int32, path: String?) -> String {
        FileErrorWords.reason(errno: code, path: path)
    }

    // MARK: the reason

    static func why(cocoa: Int?, posix: Int32?, path: String?, action: String?) -> String {
        if let posix { return FileErrorWords.reason(errno: posix, path: path, folder: action == "read folder") }
        let missing = [CocoaError.fileNoSuchFile, .fileReadNoSuchFile].map(\.rawValue).contains(cocoa)
        if missing, let path, let blocked = FileErrorWords.blockage(path, folder: action == "read folder") { return blocked }
        switch cocoa.flatMap(CocoaError.Code.init(rawValue:)) {
        case .fileReadNoPermission?, .fileWriteNoPermission?: return "permission denied"
        case .fileWriteOutOfSpace?: return "disk full"
        case .fileWriteVolumeReadOnly?: return "read-only file system"
        case .fileWriteFileExists?: return FileErrorWords.inTheWay(path)
        case .fileNoSuchFile?, .fileReadNoSuchFile?: return "no such file"
        case .fileReadInvalidFileName?, .fileWriteInvalidFileName?: return "the name is not valid"
        case .fileReadTooLarge?: return "the file is too large"
        case .fileReadCorruptFile?: return "the file is damaged"
        case .fileReadInapplicableStringEncoding?, .fileReadUnknownStringEncoding?, .fileWriteInapplicableStringEncoding?:
            return "the text is not in the expected encoding"
        default: return "\(NSCocoaErrorDomain) error \(cocoa ?? 0)"
        }
    }
}
