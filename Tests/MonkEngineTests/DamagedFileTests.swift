// A JSON file that no longer decodes, as the line a user reads: each case decodes real bytes
// with JSONDecoder, as the workspace's readers do, and checks the exact words.
import Foundation
import Testing
@testable import MonkEngine

@Suite struct DamagedFileTests {
    struct Record: Codable {
        var epoch: Int
        var names: [String]
        var inner: Inner?
        struct Inner: Codable { var flag: Bool }
    }

    /// What `DamagedFile.decodeJSON` says of `json` written to a file, and that the file stays.
    func damage(_ json: String, remedy: String? = nil) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString.prefix(8)).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try DamagedFile.decodeJSON([Record].self, from: url, remedy: remedy)
            return "no error"
        } catch {
            #expect(try Data(contentsOf: url) == Data(json.utf8), "the damaged file is left as it was")
            return FileSystemError.text(error).replacingOccurrences(of: url.path, with: "F")
        }
    }

    @Test func whatIsWrongInPlainWords() throws {
        #expect(try damage("") == "F is damaged (it is empty)")
        #expect(try damage("[{\"epo", remedy: "run again") == "F is damaged (it is not valid JSON); run again")
        #expect(try damage("{}") == "F is damaged (the top level is not a list)")
        #expect(try damage("[{\"names\": []}]") == "F is damaged ([0].epoch is missing)")
        #expect(try damage("[{\"epoch\": \"one\", \"names\": []}]") == "F is damaged ([0].epoch is not a number)")
        #expect(try damage("[{\"epoch\": 1, \"names\": [null]}]") == "F is damaged ([0].names[0] is null)")
        #expect(try damage("[{\"epoch\": 1, \"names\": [], \"inner\": {\"flag\": 2}}]") == "F is damaged ([0].inner.flag is not true or false)")
        #expect(try damage("[{\"epoch\": 1, \"names\": []}]") == "no error")
    }

    /// A file that cannot be read at all is a file error, not a damaged file.
    @Test func aMissingFileIsAFileError() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString.prefix(8))/x.json")
        #expect(throws: (any Error).self) { _ = try DamagedFile.decodeJSON([Record].self, from: url) }
        do { _ = try DamagedFile.decodeJSON([Record].self, from: url) } catch {
            #expect(FileSystemError.text(error) == "cannot read \(url.path): folder \(url.deletingLastPathComponent().path) does not exist")
        }
    }

    /// A decoding error that reaches a message without its path still reads as words.
    @Test func aBareDecodingError() {
        do { _ = try JSONDecoder().decode(Record.self, from: Data("nope".utf8)) } catch {
            #expect(FileSystemError.text(error) == "a file monkpipe reads is damaged (it is not valid JSON)")
            #expect(FileSystemError.reason(error) == "the file is damaged (it is not valid JSON)")
        }
    }
}
