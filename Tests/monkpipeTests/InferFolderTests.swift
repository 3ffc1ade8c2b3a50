// `infer FOLDER` reads the images in the folder as the load stage reads a dataset: hidden
// entries are left out (`._x.jpeg`, the resource fork macOS writes beside every file on some
// disks, is not an image and stopped the whole command), and everything left out is named
// (a notes.txt or a .DS_Store was dropped in silence, so 998 predictions for 1,000 files
// came without a word). `classify` reads folders the same way.
import Foundation
import Testing

@Suite("monkpipe binary: infer on folders")
struct InferFolderTests {
    @Test func hiddenAndNonImageEntriesAreLeftOutAndNamed() throws {
        let p = try TinyProject("infer-folder", perClass: 6, testPerClass: 2, epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        let run = try monkpipe(["run", p.spec, "--quiet"], in: p.url)
        try #require(run.status == 0, "\(run)")
        let fm = FileManager.default
        let normal = p.dir.path("data/test/NORMAL")
        let image = try #require(try fm.contentsOfDirectory(atPath: normal.path).sorted().first)
        try fm.createDirectory(at: p.dir.path("in/sub"), withIntermediateDirectories: true)
        try fm.copyItem(at: normal.appendingPathComponent(image), to: p.dir.path("in/a.jpeg"))
        try fm.copyItem(at: normal.appendingPathComponent(image), to: p.dir.path("in/sub/b.JPG"))
        // AppleDouble's header, then nothing an image decoder accepts.
        let fork = Data([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00] + Array(repeating: 0, count: 74))
        try fork.write(to: p.dir.path("in/._a.jpeg"))
        try p.dir.write("scanned on Monday\n", to: "in/notes.txt")
        try fork.write(to: p.dir.path("in/.DS_Store"))
        try fm.createDirectory(at: p.dir.path("in/.thumbs"), withIntermediateDirectories: true)
        try fork.write(to: p.dir.path("in/.thumbs/c.jpeg"))

        let r = try monkpipe(["infer", "--experiment", p.experiment("sgd").path, "in"], in: p.url)
        try #require(r.status == 0, "\(r)")
        let rows = r.stdout.split(separator: "\n").filter { $0.contains("\t") }.map { $0.split(separator: "\t")[0] }
        #expect(rows.map { URL(fileURLWithPath: String($0)).lastPathComponent } == ["a.jpeg", "b.JPG"], "\(r)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 1, "\(r)")
        let line = String(warnings.first ?? "")
        #expect(line.hasPrefix("warning: not read, 4 entries of the folders given: hidden (the name starts with a dot): "), "\(line)")
        let root = p.dir.path("in").path
        for name in ["._a.jpeg", ".DS_Store", ".thumbs/"] { #expect(line.contains("\(root)/\(name)"), "\(name): \(line)") }
        #expect(!line.contains(".thumbs/c.jpeg"), "a hidden folder is named once: \(line)")
        #expect(line.hasSuffix("; not an image file name (.jpg, .jpeg, .jpe, .png): \(root)/notes.txt"), "\(line)")

        // The same with --json: stdout stays one JSON object per image.
        let json = try monkpipe(["infer", "--experiment", p.experiment("sgd").path, "in", "--json"], in: p.url)
        #expect(json.status == 0 && json.stdout.split(separator: "\n").count == 2, "\(json)")
        #expect(json.stderr.contains("warning: not read, 4 entries"), "\(json)")

        // evaluate wants class folders: loose images say so, and what was not read.
        try fm.createDirectory(at: p.dir.path("loose"), withIntermediateDirectories: true)
        try fm.copyItem(at: normal.appendingPathComponent(image), to: p.dir.path("loose/a.jpeg"))
        let loose = try monkpipe(["evaluate", "--experiment", p.experiment("sgd").path, "--data", "loose"], in: p.url)
        #expect(loose.status == 1, "\(loose)")
        #expect(loose.stderr.contains("error: \(p.dir.path("loose").path) has no images in class folders: evaluate expects one sub-folder per class, named as the model's classes (NORMAL/, PNEUMONIA/), with the images inside (not read: "), "\(loose)")
        #expect(loose.stderr.contains("a.jpeg: a file beside the class folders"), "\(loose)")
        #expect(!loose.stderr.contains("has no images\n") && !loose.stdout.contains("evaluating"), "\(loose)")

        // classify takes the same folder as infer (it refused one: "cannot read file: is a
        // folder, not a regular file"): the same two images, in the same order, each with the
        // lines it gets when named on its own, and the same warning.
        let checkpoint = p.experiment("sgd").appendingPathComponent("output/models/best.safetensors").path
        let folder = try monkpipe(["classify", "--weights", checkpoint, "--top", "2", "in"], in: p.url)
        try #require(folder.status == 0, "\(folder)")
        let files = try monkpipe(["classify", "--weights", checkpoint, "--top", "2", "in/a.jpeg", "in/sub/b.JPG"], in: p.url)
        try #require(files.status == 0, "\(files)")
        #expect(folder.stdout == files.stdout, "\(folder)\n\(files)")
        #expect(folder.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { URL(fileURLWithPath: String($0)).lastPathComponent }
                == ["a.jpeg", "b.JPG"], "\(folder)")
        #expect(folder.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }.map(String.init) == [line], "\(folder)")
        try p.dir.write("no images here\n", to: "none/notes.txt")
        let empty = try monkpipe(["classify", "--weights", checkpoint, "none"], in: p.url)
        #expect(empty.status == 1 && empty.stderr.contains("error: no images found in none"), "\(empty)")
        #expect(empty.stderr.contains("warning: not read, 1 entry of the folders given: not an image file name"), "\(empty)")
    }
}
