// Fetching one pretrained file into a framework's cache folder: download (with a progress
// bar), unpack it from its zip when published zipped, check the hash its name carries, then
// rename it into place. Any failure leaves nothing behind and says what to do by hand.
import Crypto
import Foundation
import MonkVocabulary
import ZIPFoundation

/// One file to fetch and where it goes.
public struct WeightsDownload: Sendable {
    /// The name the file is saved under (`resnet50_v2-ecdde353.params`).
    public var fileName: String
    /// Where it is published.
    public var url: URL
    /// The file's path inside the zip at `url`, when it is published zipped (Gluon).
    public var zipMember: String?
    /// The hash whose leading hex digits the file name carries.
    public var nameHash: NameHash
    /// The cache folder it goes into (created when missing).
    public var folder: URL
    public var stallTimeout: Double = 30

    public init(fileName: String, url: URL, zipMember: String?, nameHash: NameHash, folder: URL) {
        self.fileName = fileName
        self.url = url
        self.zipMember = zipMember
        self.nameHash = nameHash
        self.folder = folder
    }

    /// The hex digits after the last `-` of the file name's stem (`ecdde353`): the catalogue's rule.
    public var expectedPrefix: String? { PretrainedSource.nameHashPrefix(of: fileName) }

    /// Downloads, unpacks and checks the file; returns its final path.
    public func run(console: Console) throws -> URL {
        let final = folder.appendingPathComponent(fileName)
        let stamp = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let download = folder.appendingPathComponent(".\(fileName).\(stamp).download")
        let unpacked = folder.appendingPathComponent(".\(fileName).\(stamp).part")
        var createdFolders: [URL] = []
        do {
            createdFolders = try makeFolder(folder)
            let title = "downloading \(url.lastPathComponent)"
            let bar = ProgressBox(console: console, title: title)
            _ = try HTTPDownload(url: url, destination: download, stallTimeout: stallTimeout).run { received, expected in
                bar.update(received: received, expected: expected)
            }
            bar.finish()
            let file: URL
            if let zipMember {
                try WeightsDownload.extract(zipMember, from: download, to: unpacked)
                try? FileManager.default.removeItem(at: download)
                file = unpacked
            } else {
                file = download
            }
            if let expected = expectedPrefix {
                let digest = try WeightsDownload.hexDigest(of: file, nameHash)
                guard digest.hasPrefix(expected) else {
                    throw WeightsDownloadFailure.Reason.hashMismatch(kind: nameHash, expected: expected, found: digest)
                }
            }
            guard rename(file.path, final.path) == 0 else {
                throw WeightsDownloadFailure.Reason.write("cannot move \(file.path) to \(final.path): \(FileSystemError.reason(errno: errno, path: final.path))")
            }
            return final
        } catch {
            for temporary in [download, unpacked] { try? FileManager.default.removeItem(at: temporary) }
            for created in createdFolders.reversed() { rmdir(created.path) }   // only if still empty
            let reason: WeightsDownloadFailure.Reason = switch error {
            case let r as WeightsDownloadFailure.Reason: r
            case let d as DownloadFailure: .transfer(d)
            default: .write(FileSystemError.text(error))
            }
            throw WeightsDownloadFailure(download: self, reason: reason)
        }
    }

    /// `mkdir -p`; returns the folders it created, outermost first.
    func makeFolder(_ url: URL) throws -> [URL] {
        var missing: [URL] = []
        var cursor = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: cursor.path), cursor.path != "/" {
            missing.insert(cursor, at: 0)
            cursor = cursor.deletingLastPathComponent()
        }
        for folder in missing {
            guard mkdir(folder.path, 0o755) == 0 || errno == EEXIST else {
                let why = FileSystemError.reason(errno: errno, path: folder.path)
                for created in missing.prefix(while: { $0 != folder }).reversed() { rmdir(created.path) }
                throw WeightsDownloadFailure.Reason.write("cannot create \(folder.path): \(why)")
            }
        }
        return missing
    }

    /// Copies `member` out of the zip at `archive`, refusing more bytes than any weights file
    /// has (a zip is checked only by the hash of what comes out of it).
    static func extract(_ member: String, from archive: URL, to destination: URL, limit: Int64 = 2 << 30) throws {
        let zip: Archive
        do {
            zip = try Archive(url: archive, accessMode: .read)
        } catch {
            throw WeightsDownloadFailure.Reason.badArchive("not a zip archive (\(error))")
        }
        guard let entry = zip[member], entry.type == .file else {
            throw WeightsDownloadFailure.Reason.badArchive("the archive has no file \(member)")
        }
        guard Int64(entry.uncompressedSize) <= limit else {
            throw WeightsDownloadFailure.Reason.badArchive("\(member) claims \(entry.uncompressedSize) bytes")
        }
        guard FileManager.default.createFile(atPath: destination.path, contents: nil),
              let out = FileHandle(forWritingAtPath: destination.path) else {
            throw WeightsDownloadFailure.Reason.write("cannot create \(destination.path)")
        }
        defer { try? out.close() }
        var written: Int64 = 0
        do {
            _ = try zip.extract(entry) { chunk in
                written += Int64(chunk.count)
                guard written <= limit else { throw WeightsDownloadFailure.Reason.badArchive("\(member) unpacks to more than \(limit) bytes") }
                try out.write(contentsOf: chunk)
            }
        } catch let reason as WeightsDownloadFailure.Reason {
            throw reason
        } catch {
            throw WeightsDownloadFailure.Reason.badArchive("cannot unpack \(member) (\(FileSystemError.text(error)))")
        }
    }

    /// The file's SHA-256 or SHA-1, in lowercase hex, read in 1 MiB pieces.
    static func hexDigest(of url: URL, _ kind: NameHash) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw WeightsDownloadFailure.Reason.write("cannot read \(url.path)")
        }
        defer { try? handle.close() }
        var sha256 = Crypto.SHA256()
        var sha1 = Insecure.SHA1()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            switch kind {
            case .sha256: sha256.update(data: chunk)
            case .sha1: sha1.update(data: chunk)
            }
        }
        let bytes: [UInt8] = kind == .sha256 ? Array(sha256.finalize()) : Array(sha1.finalize())
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// A download that did not end in a checked file: one message with the file, the address,
/// the reason and the folder to put the file into by hand.
public struct WeightsDownloadFailure: Error, CustomStringConvertible {
    public enum Reason: Error, CustomStringConvertible {
        case transfer(DownloadFailure)
        case badArchive(String)
        case hashMismatch(kind: NameHash, expected: String, found: String)
        case write(String)

        public var description: String {
            switch self {
            case .transfer(let f): "\(f)"
            case .badArchive(let why): "the download is not the expected archive: \(why)"
            case let .hashMismatch(kind, expected, found):
                "its \(kind.rawValue) is \(found.prefix(16))…, but the file name says it starts with \(expected)"
            case .write(let why): why
            }
        }
    }

    public let download: WeightsDownload
    public let reason: Reason

    public var description: String {
        let inside = download.zipMember.map { " (it is \($0) inside that archive)" } ?? ""
        return "could not download \(download.fileName) from \(download.url.absoluteString): \(reason). " +
            "Nothing was kept. Put \(download.fileName) into \(download.folder.path)\(inside), " +
            "or name a weights file with `pretrained: <path>`."
    }
}

/// A progress bar in kilobytes, created when the first bytes arrive (the size is known then).
private final class ProgressBox: @unchecked Sendable {
    let console: Console
    let title: String
    private var bar: ProgressBar?
    private let lock = NSLock()

    init(console: Console, title: String) {
        self.console = console
        self.title = title
    }

    func update(received: Int64, expected: Int64?) {
        lock.lock(); defer { lock.unlock() }
        if bar == nil { bar = console.progress(title, total: Int((expected ?? received) / 1024), unit: "kB") }
        bar?.update(done: Int(received / 1024))
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        bar?.finish()
    }
}
