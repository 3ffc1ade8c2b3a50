// A real HTTP server on 127.0.0.1 for the download tests: weights_server.py beside this file,
// run with python3, serving a temporary folder.
import Foundation

final class LocalWeightsServer {
    let root: URL
    let base: URL
    private let process = Process()

    /// Starts the server on a free port over a fresh temporary folder.
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("weights-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("weights_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, root.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The script prints its port once it listens.
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data([0x0a]) {
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "weights_server.py did not start"])
        }
        base = URL(string: "http://127.0.0.1:\(port)/")!
    }

    /// Puts a file the server can serve.
    func serve(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: root.appendingPathComponent(name))
    }

    func url(_ mode: String, _ name: String) -> URL { base.appendingPathComponent("\(mode)/\(name)") }

    deinit {
        // SIGKILL: the test process may block SIGTERM (see weights_server.py), and a server
        // that outlived its test would keep the whole run waiting here.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: root)
    }
}
