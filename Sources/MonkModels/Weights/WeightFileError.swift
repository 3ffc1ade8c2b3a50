// Why a weight file (PyTorch .pth, safetensors, monkpipe checkpoint) could not be read or written.

/// A weight file that is damaged, hostile, or in a form monkpipe does not read. Every case
/// names what was wrong and where, so a user can tell a truncated download from a wrong file.
public enum WeightFileError: Error, CustomStringConvertible, Equatable {
    /// The file ends before a structure it declares (`what`) is complete.
    case truncated(what: String, needed: Int, available: Int)
    /// The bytes do not follow the format (wrong magic, inconsistent fields).
    case malformed(String)
    /// A valid file using a feature monkpipe deliberately does not implement.
    case unsupported(String)
    /// A pickle names a Python global outside the state-dict allow-list; nothing is executed.
    case forbiddenGlobal(module: String, name: String)
    /// A pickle opcode the safe reader does not handle.
    case unknownOpcode(code: UInt8, offset: Int)
    /// A declared size, count or nesting depth beyond what any real weight file needs.
    case limitExceeded(String)
    /// The operating system refused to read or write a file.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .truncated(what, needed, available):
            return "truncated weight file: \(what) needs \(needed) bytes, only \(available) remain"
        case let .malformed(why): return "malformed weight file: \(why)"
        case let .unsupported(why): return "unsupported weight file: \(why)"
        case let .forbiddenGlobal(module, name):
            return "refusing to load: the pickle references the Python global \(module).\(name), " +
                "which is not part of a PyTorch state dict (nothing was executed)"
        case let .unknownOpcode(code, offset):
            let printable = (0x21...0x7e).contains(code) ? " '\(Character(UnicodeScalar(code)))'" : ""
            return "refusing to load: unsupported pickle opcode 0x\(String(code, radix: 16))\(printable) at byte \(offset)"
        case let .limitExceeded(why): return "refusing to load: \(why)"
        case let .io(path, reason): return "\(path): \(reason)"
        }
    }
}
