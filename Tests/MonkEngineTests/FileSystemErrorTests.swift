// Foundation's file errors as one sentence: each case is the error Foundation itself throws
// for a real file operation in a temporary folder (Linux's Foundation, as the CLI runs), and
// the exact line a user reads. Permission errors cannot be caused as root: those are built as
// Foundation builds them (CocoaError with an underlying POSIX error).
import Foundation
import Testing
@testable import MonkEngine

@Suite struct FileSystemErrorTests {
    /// A fresh folder holding one regular file, `file`.
    struct Folder {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("fs-error-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        }
        func url(_ relative: String) -> URL { URL(fileURLWithPath: root + "/" + relative) }
        func cleanUp() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// The text of the error `body` throws (or a note that it threw none).
    func text(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return FileSystemError.text(error) }
    }

    @Test func aFileInTheWayOfAFolder() throws {
        let d = try Folder(); defer { d.cleanUp() }
        let fm = FileManager.default
        #expect(text { try fm.createDirectory(at: d.url("file"), withIntermediateDirectories: true) }
                == "cannot create folder \(d.root)/file: a file is in the way")
        // One level further down, Foundation reports ENOTDIR for the folder to create.
        #expect(text { try fm.createDirectory(at: d.url("file/test"), withIntermediateDirectories: true) }
                == "cannot create \(d.root)/file/test: \(d.root)/file is a file, not a folder")
        #expect(text { try Data("y".utf8).write(to: d.url("file/x.json")) }
                == "cannot create \(d.root)/file/x.json: \(d.root)/file is a file, not a folder")
        // An atomic write says "no such file" (its temporary file's folder): the disk says why.
        #expect(text { try Data("y".utf8).write(to: d.url("file/x.json"), options: .atomic) }
                == "cannot create \(d.root)/file/x.json: \(d.root)/file is a file, not a folder")
    }

    @Test func missingFilesAndFolders() throws {
        let d = try Folder(); defer { d.cleanUp() }
        let fm = FileManager.default
        #expect(text { try Data("y".utf8).write(to: d.url("nope/deeper/x.json")) }
                == "cannot create \(d.root)/nope/deeper/x.json: folder \(d.root)/nope does not exist")
        #expect(text { _ = try Data(contentsOf: d.url("missing.json")) } == "cannot read \(d.root)/missing.json: no such file")
        #expect(text { _ = try String(contentsOf: d.url("nope/x.txt"), encoding: .utf8) }
                == "cannot read \(d.root)/nope/x.txt: folder \(d.root)/nope does not exist")
        #expect(text { _ = try fm.contentsOfDirectory(atPath: d.root + "/gone") } == "cannot read folder \(d.root)/gone: no such folder")
        #expect(text { try fm.removeItem(at: d.url("gone")) } == "cannot delete \(d.root)/gone: no such file")
        #expect(text { _ = try FileHandle(forReadingFrom: d.url("gone")) } == "cannot read \(d.root)/gone: no such file")
    }

    @Test func foldersWhereFilesAreExpectedAndCopies() throws {
        let d = try Folder(); defer { d.cleanUp() }
        #expect(text { _ = try Data(contentsOf: URL(fileURLWithPath: d.root)) } == "cannot read \(d.root): it is a folder, not a file")
        #expect(text { try Data("y".utf8).write(to: URL(fileURLWithPath: d.root)) } == "cannot write \(d.root): it is a folder, not a file")
        try Data("z".utf8).write(to: d.url("other"))
        #expect(text { try FileManager.default.copyItem(at: d.url("other"), to: d.url("file")) }
                == "cannot copy \(d.root)/other to \(d.root)/file: a file is in the way")
    }

    #if os(Linux)
    /// /dev/full fails every write with ENOSPC, as a full disk does.
    @Test func diskFull() {
        #expect(text { try Data(count: 10).write(to: URL(fileURLWithPath: "/dev/full")) } == "cannot write /dev/full: disk full")
    }
    #endif

    @Test func permissionAndOtherReasonsAsFoundationBuildsThem() {
        let denied = CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/srv/w/sgd/output/test",
                                                                   NSUnderlyingErrorKey: POSIXError(.EACCES)])
        #expect(FileSystemError.text(denied) == "cannot create /srv/w/sgd/output/test: permission denied")
        #expect(FileSystemError.reason(denied) == "permission denied")
        let readOnly = CocoaError(.fileWriteVolumeReadOnly, userInfo: [NSFilePathErrorKey: "/srv/w/x.json"])
        #expect(FileSystemError.text(readOnly) == "cannot create /srv/w/x.json: read-only file system")
        let unreadable = CocoaError(.fileReadNoPermission, userInfo: [NSURLErrorKey: URL(fileURLWithPath: "/srv/w/best.json")])
        #expect(FileSystemError.text(unreadable) == "cannot read /srv/w/best.json: permission denied")
        // A bare POSIX error names no path or operation: only the reason, in the system's words otherwise.
        #expect(FileSystemError.text(POSIXError(.ENOSPC)) == "disk full")
        #expect(FileSystemError.text(POSIXError(.EPERM)) == "operation not permitted")
    }

    /// Errors that are not file errors keep their own text (a decoding error reads as words: DamagedFileTests).
    @Test func otherErrorsAreUnchanged() {
        struct Readable: Error, CustomStringConvertible { var description: String { "the train set is empty" } }
        #expect(FileSystemError.text(Readable()) == "the train set is empty")
        #expect(FileSystemError.reason(Readable()) == "the train set is empty")
        let coder = CocoaError(.coderReadCorrupt)
        #expect(FileSystemError(coder) == nil)
        #expect(FileSystemError.text(coder) == "\(coder)")
    }
}
