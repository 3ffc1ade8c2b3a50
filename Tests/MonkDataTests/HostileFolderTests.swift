// Hostile entries in a dataset folder (issue 13, items 4 and 8): a FIFO, broken and looping
// symbolic links, a name that is not UTF-8, hidden files, folders in the wrong place. None may
// block the scan or vanish unnamed.
import Foundation
import Testing
@testable import MonkData

@Suite struct HostileFolderTests {
    func bytes(_ name: String) -> Data { try! Data(contentsOf: Fixtures.url(name)) }

    /// good/{a.png, b.jpg} plus every kind of hostile entry; returns the root.
    func hostileFolder(_ tmp: TempDir) throws -> URL {
        _ = tmp.file("good/a.png", bytes("rgb8.png"))
        _ = tmp.file("good/b.jpg", bytes("rgb_baseline.jpg"))
        let good = tmp.url.appendingPathComponent("good").path
        #expect(mkfifo(good + "/pipe.jpg", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: good + "/gone.jpg", withDestinationPath: "/nonexistent/x.jpg")
        try FileManager.default.createSymbolicLink(atPath: good + "/loop.jpg", withDestinationPath: good + "/loop.jpg")
        // "caf\xE9.jpg": Latin-1 é, not UTF-8. Created through the C API, as Foundation cannot.
        var name = Array((good + "/caf").utf8) + [0xE9] + Array(".jpg".utf8) + [0]
        let fd = name.withUnsafeMutableBufferPointer { p in p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_CREAT | O_WRONLY, 0o644) } }
        #expect(fd >= 0)
        _ = bytes("rgb8.png").withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        _ = tmp.file("good/.DS_Store", Data([0]))
        _ = tmp.file("good/nested/c.png", bytes("rgb8.png"))
        _ = tmp.file("README.txt", Data("notes".utf8))
        _ = tmp.file(".hidden_class/d.png", bytes("rgb8.png"))
        try FileManager.default.createSymbolicLink(atPath: tmp.url.path + "/dangling_class", withDestinationPath: "/nonexistent/dir")
        return tmp.url
    }

    @Test(.timeLimit(.minutes(1))) func everyEntryIsUsedOrNamed() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let d = try Dataset.load(root: try hostileFolder(tmp), layout: .folderPerClass)
        #expect(d.classes == ["good"])
        #expect(d.items.map(\.path) == ["good/a.png", "good/b.jpg", "good/caf\\xE9.jpg", "good/gone.jpg", "good/loop.jpg", "good/pipe.jpg"])
        #expect(d.unused == [
            UnusedEntry(path: ".hidden_class", reason: "hidden (the name starts with a dot)"),
            UnusedEntry(path: "README.txt", reason: "a file beside the class folders (only class folders are read)"),
            UnusedEntry(path: "dangling_class", reason: "a symbolic link whose target does not exist"),
            UnusedEntry(path: "good/.DS_Store", reason: "hidden (the name starts with a dot)"),
            UnusedEntry(path: "good/nested", reason: "a folder inside a class folder (only files directly in a class folder are read)"),
        ])

        // The scan opens nothing that could block (the FIFO has no writer) and names each.
        let scanned = ImageScanner.scan(d, preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))), cache: nil, threads: 2)
        let problems = Dictionary(uniqueKeysWithValues: scanned.map { ($0.item.path, $0.problem) })
        #expect(problems["good/a.png"]! == nil && problems["good/b.jpg"]! == nil)
        #expect(problems["good/pipe.jpg"]! == "cannot read file: is a FIFO (named pipe), not a regular file")
        #expect(problems["good/gone.jpg"]! == "cannot read file: is a symbolic link to /nonexistent/x.jpg, which does not exist")
        #expect(problems["good/loop.jpg"]! == "cannot read file: a symbolic link loop")
        #expect(problems["good/caf\\xE9.jpg"]! == "the file name is not valid UTF-8; rename the file")

        // Under `fail` all four stop the load together; under `skip` they are listed.
        #expect(throws: BadImagesError.self) { try ImageScanner.applying(.fail, to: scanned) }
        let (kept, skipped) = try ImageScanner.applying(.skip, to: scanned)
        #expect(kept.count == 2 && skipped.count == 4)

        // check-data lists the unused entries too.
        let report = DataCheckReport.make(classes: d.classes, scanned: scanned.map { ($0, .train) },
                                          unused: d.unused.map { UnusedEntry(path: "train: \($0.path)", reason: $0.reason) })
        let text = report.render()
        #expect(text.contains("unreadable files: 4"))
        #expect(text.contains("unused entries (not read as images): 5"))
        #expect(text.contains("  train: good/nested: a folder inside a class folder"))
        #expect(text.contains("  good/caf\\xE9.jpg: the file name is not valid UTF-8"))
    }

    /// A FIFO read directly (as `classify` or a weights path would): refused, not waited on.
    @Test(.timeLimit(.minutes(1))) func fifoIsNeverOpenedForReading() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let fifo = tmp.url.appendingPathComponent("fifo.png")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        #expect(throws: FileReadError.notRegular("a FIFO (named pipe)")) { try FileBytes.read(fifo) }
        #expect(throws: FileReadError.notRegular("a FIFO (named pipe)")) { try FileBytes.sha256(fifo) }
        #expect(throws: FileReadError.notRegular("a character device")) { try FileBytes.read(URL(fileURLWithPath: "/dev/zero")) }
    }

    /// Control characters in file names are escaped wherever a report prints them.
    @Test func controlCharactersInNamesAreEscaped() throws {
        let bad = BadImage(path: "good/\u{1B}[31mred\nline.jpg", reason: "empty file (0 bytes)")
        #expect(bad.description == "good/\\u{1B}[31mred\\nline.jpg: empty file (0 bytes)")
        let error = BadImagesError(images: [bad])
        #expect(!error.description.contains("\u{1B}"))
    }
}
