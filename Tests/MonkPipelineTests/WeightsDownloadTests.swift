// Downloading pretrained files from a real HTTP server on 127.0.0.1 (weights_server.py):
// success (plain and zipped), wrong hash, 404, a transfer cut in the middle, a stalled server.
// After every failure the cache folder holds nothing, and the message names file, address
// and folder.
import Crypto
import Foundation
import Testing
import ZIPFoundation
@testable import MonkPipeline

@Suite(.serialized) struct WeightsDownloadTests {
    /// Random bytes and the file name torchvision would give them (`<stem>-<sha256[:8]>.pth`).
    static func torchStyleFile(_ stem: String, size: Int = 300_000) -> (name: String, bytes: [UInt8]) {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let hex = Crypto.SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return ("\(stem)-\(hex.prefix(8)).pth", bytes)
    }

    static func freshFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("weights-cache-\(UUID().uuidString)/hub/checkpoints")
    }

    /// Everything under the folder's parent after a failure: must be empty.
    static func leftovers(_ folder: URL) -> [String] {
        let root = folder.deletingLastPathComponent().deletingLastPathComponent()
        return (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String]) ?? []
    }

    @Test func plainFileIsDownloadedCheckedAndRenamedIntoPlace() throws {
        let server = try LocalWeightsServer()
        let (name, bytes) = Self.torchStyleFile("tiny")
        try server.serve(name, bytes)
        let folder = Self.freshFolder()
        let job = WeightsDownload(fileName: name, url: server.url("files", name), zipMember: nil, nameHash: .sha256, folder: folder)
        let path = try job.run(console: .silent)
        #expect(path == folder.appendingPathComponent(name))
        #expect(Array(try Data(contentsOf: path)) == bytes)
        // Only the file itself: no temporary left next to it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
    }

    /// Gluon publishes `<name>.params` inside `<name>.zip`, named by the first hex digits of
    /// the .params file's SHA-1.
    @Test func zippedGluonFileIsUnpackedAndCheckedBySHA1() throws {
        let server = try LocalWeightsServer()
        let payload = Array(Self.torchStyleFile("x").bytes)
        let sha1 = Insecure.SHA1.hash(data: payload).map { String(format: "%02x", $0) }.joined()
        let name = "tiny_v2-\(sha1.prefix(8)).params"
        let zipURL = server.root.appendingPathComponent("tiny_v2-\(sha1.prefix(8)).zip")
        let archive = try Archive(url: zipURL, accessMode: .create)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(payload.count), compressionMethod: .deflate) { position, size in
            Data(payload[Int(position)..<(Int(position) + size)])
        }
        let folder = Self.freshFolder()
        let job = WeightsDownload(fileName: name, url: server.url("files", zipURL.lastPathComponent), zipMember: name,
                                  nameHash: .sha1, folder: folder)
        let path = try job.run(console: .silent)
        #expect(Array(try Data(contentsOf: path)) == payload)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [name])
    }

    @Test func wrongHashKeepsNothing() throws {
        let server = try LocalWeightsServer()
        let (_, bytes) = Self.torchStyleFile("tiny")
        let name = "tiny-00000000.pth"   // not the file's hash
        try server.serve(name, bytes)
        let folder = Self.freshFolder()
        let url = server.url("files", name)
        let error = try #require(thrownError {
            _ = try WeightsDownload(fileName: name, url: url, zipMember: nil, nameHash: .sha256, folder: folder).run(console: .silent)
        } as? WeightsDownloadFailure)
        guard case .hashMismatch(.sha256, "00000000", _) = error.reason else { Issue.record("\(error)"); return }
        let message = "\(error)"
        #expect(message.contains(name) && message.contains(url.absoluteString) && message.contains(folder.path))
        #expect(message.contains("file name says it starts with 00000000"))
        #expect(Self.leftovers(folder).isEmpty, "\(Self.leftovers(folder))")
    }

    @Test func notFoundIsNamed() throws {
        let server = try LocalWeightsServer()
        let folder = Self.freshFolder()
        let error = try #require(thrownError {
            _ = try WeightsDownload(fileName: "absent-12345678.pth", url: server.url("files", "absent-12345678.pth"),
                                    zipMember: nil, nameHash: .sha256, folder: folder).run(console: .silent)
        } as? WeightsDownloadFailure)
        guard case .transfer(.status(404)) = error.reason else { Issue.record("\(error)"); return }
        #expect("\(error)".contains("HTTP 404"))
        #expect(Self.leftovers(folder).isEmpty)
    }

    @Test func transferCutInTheMiddleKeepsNothing() throws {
        let server = try LocalWeightsServer()
        let (name, bytes) = Self.torchStyleFile("tiny")
        try server.serve(name, bytes)
        let folder = Self.freshFolder()
        let error = try #require(thrownError {
            _ = try WeightsDownload(fileName: name, url: server.url("truncate", name), zipMember: nil, nameHash: .sha256,
                                    folder: folder).run(console: .silent)
        } as? WeightsDownloadFailure)
        guard case .transfer(.incomplete(let received, let expected)) = error.reason else { Issue.record("\(error)"); return }
        #expect(expected == Int64(bytes.count) && received < expected)
        #expect(Self.leftovers(folder).isEmpty)
    }

    @Test func stalledServerTimesOut() throws {
        let server = try LocalWeightsServer()
        let (name, bytes) = Self.torchStyleFile("tiny")
        try server.serve(name, bytes)
        let folder = Self.freshFolder()
        var job = WeightsDownload(fileName: name, url: server.url("stall", name), zipMember: nil, nameHash: .sha256, folder: folder)
        job.stallTimeout = 1
        let started = Date()
        let error = try #require(thrownError { _ = try job.run(console: .silent) } as? WeightsDownloadFailure)
        guard case .transfer(.stalled) = error.reason else { Issue.record("\(error)"); return }
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(Self.leftovers(folder).isEmpty)
    }

    @Test func aFolderThatCannotBeCreatedIsNamed() throws {
        let server = try LocalWeightsServer()
        let (name, bytes) = Self.torchStyleFile("tiny")
        try server.serve(name, bytes)
        // A regular file where the cache folder's parent should be.
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("blocker-\(UUID().uuidString)")
        try Data("x".utf8).write(to: blocker)
        defer { try? FileManager.default.removeItem(at: blocker) }
        let folder = blocker.appendingPathComponent("checkpoints")
        let error = try #require(thrownError {
            _ = try WeightsDownload(fileName: name, url: server.url("files", name), zipMember: nil, nameHash: .sha256,
                                    folder: folder).run(console: .silent)
        } as? WeightsDownloadFailure)
        #expect("\(error)".contains("cannot create \(folder.path)"))
    }
}

func thrownError(_ body: () throws -> Void) -> Error? {
    do { try body(); return nil } catch { return error }
}
