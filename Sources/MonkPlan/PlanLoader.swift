// The public entry points: a spec file (or its text) → the Spec as written, or → the Plan.
// Reading the file is the only I/O; everything after it is pure.
import Foundation
import MonkVocabulary

/// Reads and validates a spec into `Spec`, the Codable mirror of the file.
public enum SpecLoader {
    /// The spec in `text`; `file` names it in error messages.
    public static func parse(_ text: String, file: String = "<spec>") throws(SpecErrors) -> Spec {
        let parsed = SpecParse(text: text)
        guard let spec = parsed.spec, parsed.errors.isEmpty else {
            throw SpecErrors(file: file, errors: parsed.errors, source: text)
        }
        return spec
    }

    /// The spec in the file at `path`.
    public static func load(path: String) throws(SpecErrors) -> Spec {
        let file = try SpecFile.read(path)
        return try parse(file.text, file: path)
    }
}

/// Reads a spec and resolves it into a `Plan`.
public enum PlanLoader {
    /// The plan for spec `text` whose file lives in `specDirectory` (absolute; relative paths
    /// in the spec are resolved against it). Pure: reads nothing from the disk.
    /// `classes` names the classes of a training source when they are known without reading
    /// the data; class names written in the spec are then checked against them.
    /// `overrides` (`--set`) are laid over the file's settings before anything is checked.
    public static func plan(text: String, specDirectory: String, file: String = "<spec>",
                            overrides: [SpecOverride] = [],
                            classes: (DatasetSource) -> [String]? = { _ in nil }) throws(SpecErrors) -> Plan {
        let parsed = SpecParse(text: text, overrides: overrides)
        guard let spec = parsed.spec, let root = parsed.root, parsed.errors.isEmpty else {
            throw SpecErrors(file: file, errors: parsed.errors, source: text)
        }
        var resolver = PlanResolver(root: root, spec: spec, directory: specDirectory, overrides: overrides)
        resolver.discards.add(parsed.discarded, experiment: nil)
        guard let plan = resolver.resolve() else {
            throw SpecErrors(file: file, errors: resolver.errors, source: text)
        }
        if let names = classes(plan.data.train) {
            let errors = ClassNameCheck.errors(in: root, classes: names)
            if !errors.isEmpty { throw SpecErrors(file: file, errors: errors, source: text) }
        }
        return plan
    }

    /// The plan for raw file bytes (checked for size and encoding first).
    public static func plan(bytes: [UInt8], specDirectory: String, file: String = "<spec>") throws(SpecErrors) -> Plan {
        switch TextGuard.text(of: bytes) {
        case .success(let text): return try plan(text: text, specDirectory: specDirectory, file: file)
        case .failure(let error): throw SpecErrors(file: file, errors: [error])
        }
    }

    /// The plan for the spec file at `path` (relative to the current directory). Class
    /// names in the spec are checked against the training folder's class folders (a
    /// directory listing; no image is read).
    public static func load(path: String, overrides: [SpecOverride] = []) throws(SpecErrors) -> Plan {
        let file = try SpecFile.read(path)
        return try plan(text: file.text, specDirectory: file.directory, file: path, overrides: overrides,
                        classes: ClassNameCheck.classes(of:))
    }
}

/// Composition and validation of spec text, shared by both loaders.
struct SpecParse {
    var root: YAMLNode?
    var spec: Spec?
    var errors: [SpecError] = []
    /// Settings of the file that a `--set` replaced whole.
    var discarded: [Overlay.Discarded] = []

    init(text: String, overrides: [SpecOverride] = []) {
        let composed = YAMLComposer.compose(text)
        errors = composed.errors
        guard var root = composed.node else { return }
        if !overrides.isEmpty {
            var applied = SpecOverrides(overrides)
            root = applied.apply(to: root)
            errors += applied.errors
            discarded = applied.discarded
        }
        self.root = root
        var validator = ShapeValidator(mode: .partial)
        let value = validator.check(root, .object(SpecFormat.root))
        errors += validator.errors
        guard let value, errors.isEmpty else { return }
        do {
            spec = try value.decode(Spec.self)
        } catch {
            // The format accepted what the Codable types cannot hold: a bug, reported plainly.
            errors.append(SpecError(.wrongType, at: root.mark, path: "", "internal: the spec format and Spec disagree: \(error)"))
        }
    }
}

/// Reading a spec file from the disk, bounded in size. POSIX calls, so that a FIFO given as a
/// spec never blocks `open`, a directory or device is named as such, and a file too large is
/// reported with its real size before a byte of it is read.
enum SpecFile {
    static func read(_ path: String) throws(SpecErrors) -> (text: String, directory: String) {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = PathRules.absolute(path, relativeTo: cwd)
        func failure(_ why: String) -> SpecErrors {
            SpecErrors(file: path, errors: [SpecError(.unreadable, at: .none, path: "", why)])
        }
        /// "cannot read /abs/spec.yaml: permission denied", in the words of every file error.
        func systemFailure(_ code: Int32) -> SpecErrors {
            failure("cannot read \(absolute): \(FileErrorWords.reason(errno: code, path: absolute))")
        }
        let fd = open(absolute, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw systemFailure(errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw systemFailure(errno) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw failure("this is a folder; expected a pipeline file (YAML)")
        case S_IFIFO: throw failure("is a FIFO (named pipe), not a regular file")
        default: throw failure("is a device or special file, not a regular file")
        }
        let size = Int(st.st_size)
        if size > TextGuard.maxBytes { throw SpecErrors(file: path, errors: [TextGuard.tooLarge(size)]) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw systemFailure(errno) }
            if n == 0 { break }
            done += n
        }
        switch TextGuard.text(of: Array(bytes[..<done])) {
        case .success(let text):
            let directory = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.startIndex)])
            return (text, directory.isEmpty ? "/" : directory)
        case .failure(let error):
            throw SpecErrors(file: path, errors: [error])
        }
    }
}
