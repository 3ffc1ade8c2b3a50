// OpenBLAS, opened at run time so that its CPU kernel can be chosen before it initialises.
import CBLAS
import Foundation

/// Matrix products through OpenBLAS.
///
/// Debian's OpenBLAS 0.3.21 does not recognise AVX-512 Xeons and falls back to the SSE3
/// "Prescott" kernel, 4–6× slower. The kernel is fixed when the library is loaded, so monkpipe
/// does not link it: the first use reads the CPU flags, sets `OPENBLAS_CORETYPE` (unless the
/// user already set it, which is respected) and only then `dlopen`s the library.
public enum BLAS {
    typealias Sgemm = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, Int32, Int32, Int32,
                                      Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
                                      Float, UnsafeMutablePointer<Float>?, Int32) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias GetInt = @convention(c) () -> Int32
    typealias GetName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    struct Library: @unchecked Sendable {
        let sgemm: Sgemm
        let setThreads: SetThreads?
        let getThreads: GetInt?
        let coreName: GetName?
        /// Where the CPU kernel choice came from, for `bench` and error reports.
        let kernelSource: String
    }

    static let library: Library = load()

    /// The kernel this CPU should use, from /proc/cpuinfo flags; nil when OpenBLAS' own
    /// detection is trusted (or the flags cannot be read).
    static func preferredCoreType(cpuFlags: Set<Substring>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy({ cpuFlags.contains(Substring($0)) }) {
            return "SkylakeX"
        }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    static func cpuFlags() -> Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }

    private static func load() -> Library {
        var source: String
        if let user = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !user.isEmpty {
            source = "OPENBLAS_CORETYPE=\(user) (set by the user)"
        } else if let core = preferredCoreType(cpuFlags: cpuFlags()) {
            setenv("OPENBLAS_CORETYPE", core, 1)
            source = "OPENBLAS_CORETYPE=\(core) (chosen by monkpipe from the CPU flags)"
        } else {
            source = "OpenBLAS' own CPU detection"
        }
        let names = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"]
        var handle: UnsafeMutableRawPointer?
        for name in names where handle == nil { handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) }
        guard let handle else {
            let why = String(cString: dlerror())
            fatalError("monkpipe needs OpenBLAS (Debian: apt-get install libopenblas-dev): \(why)")
        }
        func symbol<T>(_ name: String, as: T.Type) -> T? {
            guard let p = dlsym(handle, name) else { return nil }
            return unsafeBitCast(p, to: T.self)
        }
        guard let sgemm = symbol("cblas_sgemm", as: Sgemm.self) else {
            fatalError("the OpenBLAS library has no cblas_sgemm")
        }
        return Library(sgemm: sgemm,
                       setThreads: symbol("openblas_set_num_threads", as: SetThreads.self),
                       getThreads: symbol("openblas_get_num_threads", as: GetInt.self),
                       coreName: symbol("openblas_get_corename", as: GetName.self),
                       kernelSource: source)
    }

    /// The kernel OpenBLAS runs ("SkylakeX", "Haswell", "Prescott", …).
    public static var kernel: String {
        guard let f = library.coreName, let p = f() else { return "unknown" }
        return String(cString: p)
    }

    /// How the kernel was chosen (the user's variable, monkpipe's choice, or OpenBLAS' detection).
    public static var kernelSource: String { library.kernelSource }

    public static var threads: Int {
        get { Int(library.getThreads?() ?? 1) }
        set { library.setThreads?(Int32(max(1, newValue))) }
    }

    /// C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, row-major, with leading dimensions.
    @inline(__always)
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            else if beta != 1 { for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } } }
            return
        }
        library.sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
