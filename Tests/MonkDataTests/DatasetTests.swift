// Folder-per-class and CSV listing; the scan's bad-file reports under both policies.
import Foundation
import Testing
@testable import MonkData
import MonkVocabulary

@Suite struct DatasetTests {
    func bytes(_ name: String) -> Data { try! Data(contentsOf: Fixtures.url(name)) }

    @Test func folderPerClassSortsClassesAndFiles() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        _ = tmp.file("b_cls/z.png", bytes("rgb8.png"))
        _ = tmp.file("b_cls/with space.png", bytes("gray8.png"))
        _ = tmp.file("a_cls/x.jpg", bytes("rgb_baseline.jpg"))
        _ = tmp.file("a_cls/.DS_Store", Data([1, 2]))
        _ = tmp.file("README.txt", Data("top-level files are not classes".utf8))
        let d = try Dataset.load(root: tmp.url, layout: .folderPerClass)
        #expect(d.classes == ["a_cls", "b_cls"])
        #expect(d.items == [DatasetItem(path: "a_cls/x.jpg", label: 0), DatasetItem(path: "b_cls/with space.png", label: 1),
                            DatasetItem(path: "b_cls/z.png", label: 1)])
        #expect(d.classCounts == [1, 2])
        // A test set read with the training classes keeps their indices; an unknown class is an error.
        let t = try Dataset.load(root: tmp.url, layout: .folderPerClass, classes: ["a_cls", "b_cls", "c_cls"])
        #expect(t.items.map(\.label) == [0, 1, 1])
        #expect(throws: DatasetError.unknownClass("b_cls", known: ["a_cls"], source: tmp.url.path)) {
            try Dataset.load(root: tmp.url, layout: .folderPerClass, classes: ["a_cls"])
        }
    }

    @Test func csvWithHeaderQuotesAndDelimiter() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        _ = tmp.file("labels.csv", Data("ID;LABEL\nimg/1.png;cat\n\"img/two; 2.png\";dog\r\nimg/3.png ; cat \n\n".utf8))
        let d = try Dataset.load(root: tmp.url, layout: .csv(file: "labels.csv", delimiter: ";", header: true))
        #expect(d.classes == ["cat", "dog"])
        #expect(d.items == [DatasetItem(path: "img/1.png", label: 0), DatasetItem(path: "img/two; 2.png", label: 1),
                            DatasetItem(path: "img/3.png", label: 0)])
        _ = tmp.file("bad.csv", Data("a.png,x\nonly-one-field\n".utf8))
        #expect(throws: DatasetError.malformedCSV(file: tmp.url.appendingPathComponent("bad.csv").path, line: 2,
                                                  reason: "expected path,label, found \"only-one-field\"")) {
            try Dataset.load(root: tmp.url, layout: .csv(file: "bad.csv", delimiter: ",", header: false))
        }
    }

    /// A plan's CSV source reads the columns its image_column and label_column name (here not
    /// the first two, and in the other order); a header without them keeps the first two, as
    /// before the columns were honoured.
    @Test func csvSourceReadsTheNamedColumns() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        _ = tmp.file("meta.csv", Data("patient,Label,ID\np1,dog,img/1.png\np2,cat,img/2.png\n".utf8))
        let file = tmp.url.appendingPathComponent("meta.csv").path
        func source(_ image: String, _ label: String) -> DatasetSource {
            .csv(CSVSource(file: file, root: tmp.url.path, delimiter: ",", imageColumn: image, labelColumn: label))
        }
        let d = try Dataset.load(source("ID", "Label"), classes: nil)
        #expect(d.classes == ["cat", "dog"])
        #expect(d.items == [DatasetItem(path: "img/1.png", label: 1), DatasetItem(path: "img/2.png", label: 0)])
        let unnamed = try Dataset.load(source("file", "class"), classes: nil)
        #expect(unnamed.items.map(\.path) == ["p1", "p2"] && unnamed.classes == ["cat", "dog"])
        #expect(throws: DatasetError.malformedCSV(file: file, line: 0, reason: "delimiter must be one character, got \";;\"")) {
            try Dataset.load(.csv(CSVSource(file: file, root: tmp.url.path, delimiter: ";;", imageColumn: "ID", labelColumn: "Label")),
                             classes: nil)
        }
    }

    @Test func missingRoot() {
        #expect(throws: DatasetError.missingFolder("/nonexistent/monkdata")) {
            try Dataset.load(root: URL(fileURLWithPath: "/nonexistent/monkdata"), layout: .folderPerClass)
        }
    }

    /// One good image per class plus the five bad fixtures.
    func messyFolder(_ tmp: TempDir) {
        _ = tmp.file("good/a.png", bytes("rgb8.png"))
        _ = tmp.file("good/b.jpg", bytes("gray_progressive.jpg"))
        for name in ["bad_empty.jpg", "bad_truncated.jpg", "bad_gif_named.jpg", "bad_random.jpg", "bad_crc.png"] {
            _ = tmp.file("messy/\(name)", bytes(name))
        }
    }

    static let expectedBad = [
        BadImage(path: "messy/bad_crc.png", reason: "corrupt PNG: IDAT: CRC error"),
        BadImage(path: "messy/bad_empty.jpg", reason: "empty file (0 bytes)"),
        BadImage(path: "messy/bad_gif_named.jpg", reason: "unsupported format GIF (only JPEG and PNG are read)"),
        BadImage(path: "messy/bad_random.jpg", reason: "not an image: neither JPEG nor PNG signature"),
        BadImage(path: "messy/bad_truncated.jpg", reason: "corrupt JPEG: truncated: premature end of JPEG data"),
    ]

    @Test func failPolicyListsEveryBadFile() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        messyFolder(tmp)
        let d = try Dataset.load(root: tmp.url, layout: .folderPerClass)
        let scanned = ImageScanner.scan(d, preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))), cache: nil, threads: 2)
        #expect(throws: BadImagesError(images: Self.expectedBad)) { try ImageScanner.applying(.fail, to: scanned) }
        do { _ = try ImageScanner.applying(.fail, to: scanned) } catch {
            #expect(error.description.hasPrefix("5 image file(s) cannot be used (on_bad_image: fail):\n  messy/bad_crc.png: corrupt PNG"))
        }
    }

    @Test func skipPolicyKeepsGoodAndRecordsBad() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        messyFolder(tmp)
        let d = try Dataset.load(root: tmp.url, layout: .folderPerClass)
        let scanned = ImageScanner.scan(d, preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))), cache: nil, threads: 2)
        let (good, skipped) = try ImageScanner.applying(.skip, to: scanned)
        #expect(good.map(\.item.path) == ["good/a.png", "good/b.jpg"])
        #expect(good.map(\.storedSize) == [ImageSize(width: 7, height: 5), ImageSize(16)])
        #expect(good[0].hash == SHA256.hex(bytes("rgb8.png")))
        #expect(skipped == Self.expectedBad)
    }
}
