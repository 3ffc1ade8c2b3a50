// One HTTP(S) GET streamed into a file, with progress, a stall timeout and a size bound —
// Foundation's URLSession (libcurl on Linux), no extra package.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why a download did not produce the whole file.
public enum DownloadFailure: Error, CustomStringConvertible, Equatable {
    /// The server answered with a status other than 200.
    case status(Int)
    /// No byte arrived for this many seconds.
    case stalled(seconds: Double)
    /// The connection failed or closed (offline, DNS, refused, reset).
    case connection(String)
    /// The body ended before the length the server announced.
    case incomplete(received: Int64, expected: Int64)
    /// More bytes than any weights file has; the server is not sending what we asked for.
    case tooLarge(limit: Int64)
    /// Writing the file failed (disk full, permissions).
    case write(String)

    public var description: String {
        switch self {
        case .status(let code): "the server answered HTTP \(code)"
        case .stalled(let s): "nothing arrived for \(Int(s)) s"
        case .connection(let why): "no connection (\(why))"
        case let .incomplete(received, expected): "the transfer stopped after \(received) of \(expected) bytes"
        case .tooLarge(let limit): "the server sent more than \(limit) bytes"
        case .write(let why): "could not write the file (\(why))"
        }
    }
}

/// Streams `url` into `destination` (created or truncated). Blocks the calling thread.
struct HTTPDownload {
    let url: URL
    let destination: URL
    /// Seconds without a byte before giving up.
    var stallTimeout: Double = 30
    /// No weights file monkpipe knows is larger (resnet101 is 171 MB).
    var maxBytes: Int64 = 2 << 30

    /// Returns the byte count; `progress(received, expected)` is called as data arrives.
    func run(progress: @escaping @Sendable (Int64, Int64?) -> Void) throws -> Int64 {
        let fd = open(destination.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DownloadFailure.write("\(destination.path): \(FileSystemError.reason(errno: errno, path: destination.path))") }
        let sink = Sink(fd: fd, maxBytes: maxBytes, progress: progress)
        defer { close(fd) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = stallTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: sink, delegateQueue: nil)
        defer { session.invalidateAndCancel() }
        var request = URLRequest(url: url)
        request.setValue("monkpipe", forHTTPHeaderField: "User-Agent")
        let task = session.dataTask(with: request)
        sink.task = task
        task.resume()
        sink.done.wait()
        if sink.timedOut { throw DownloadFailure.stalled(seconds: stallTimeout) }
        if let failure = sink.failure {
            // A connection dropped mid-body is reported by how much arrived.
            if case .connection = failure, let expected = sink.expected, sink.received > 0, sink.received < expected {
                throw DownloadFailure.incomplete(received: sink.received, expected: expected)
            }
            throw failure
        }
        if let expected = sink.expected, sink.received != expected {
            throw DownloadFailure.incomplete(received: sink.received, expected: expected)
        }
        return sink.received
    }
}

/// The session's delegate: checks the status, writes each chunk as it arrives, and records
/// the first failure. Callbacks come one at a time on the session's queue.
private final class Sink: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let fd: Int32
    let maxBytes: Int64
    let progress: @Sendable (Int64, Int64?) -> Void
    let done = DispatchSemaphore(value: 0)
    var task: URLSessionTask?
    private(set) var received: Int64 = 0
    private(set) var expected: Int64?
    private(set) var failure: DownloadFailure?
    private(set) var timedOut = false

    init(fd: Int32, maxBytes: Int64, progress: @escaping @Sendable (Int64, Int64?) -> Void) {
        self.fd = fd
        self.maxBytes = maxBytes
        self.progress = progress
    }

    private func fail(_ f: DownloadFailure) {
        if failure == nil { failure = f }
        task?.cancel()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 200
        guard status == 200 else {
            fail(.status(status))
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength >= 0 { expected = response.expectedContentLength }
        if let expected, expected > maxBytes {
            fail(.tooLarge(limit: maxBytes))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        guard received + Int64(data.count) <= maxBytes else { fail(.tooLarge(limit: maxBytes)); return }
        let error: String? = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return FileSystemError.reason(errno: errno, path: nil) }
                offset += n
            }
            return nil
        }
        if let error { fail(.write(error)); return }
        received += Int64(data.count)
        progress(received, expected)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error, failure == nil {
            timedOut = (error as? URLError)?.code == .timedOut
            failure = .connection(error.localizedDescription)
        }
        done.signal()
    }
}
