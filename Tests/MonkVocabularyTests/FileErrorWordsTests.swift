// The errno → words rule every module shares (MonkPlan's spec reader, MonkData's image and
// folder readers, MonkEngine's FileSystemError): real system calls on a temporary folder.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import MonkVocabulary

@Suite struct FileErrorWordsTests {
    /// errno of `open(path, flags)`, or 0 when it opened.
    func openError(_ path: String, _ flags: Int32 = O_RDONLY) -> Int32 {
        let fd = open(path, flags, 0o644)
        if fd >= 0 { close(fd); return 0 }
        return errno
    }

    @Test func whyAnOpenFailed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("words-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root + "/folder", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
        defer { try? FileManager.default.removeItem(atPath: root) }

        func words(_ path: String, _ flags: Int32 = O_RDONLY) -> String {
            FileErrorWords.reason(errno: openError(path, flags), path: path)
        }
        #expect(words(root + "/gone") == "no such file")
        #expect(words(root + "/gone/x") == "folder \(root)/gone does not exist")
        #expect(words(root + "/file/x") == "\(root)/file is a file, not a folder")
        #expect(words(root + "/folder", O_WRONLY) == "it is a folder, not a file")
        #expect(words(root + "/file", O_WRONLY | O_CREAT | O_EXCL) == "a file is in the way")
        #expect(FileErrorWords.reason(errno: ENOENT, path: root + "/gone", folder: true) == "no such folder")
        #expect(FileErrorWords.reason(errno: EACCES, path: nil) == "permission denied")
        #expect(FileErrorWords.reason(errno: ENOSPC, path: nil) == "disk full")
        #expect(FileErrorWords.reason(errno: ELOOP, path: nil) == "a symbolic link loop")
        // Anything else: the system's own words, as the middle of a sentence.
        #expect(FileErrorWords.reason(errno: EPERM, path: nil) == "operation not permitted")
    }
}
