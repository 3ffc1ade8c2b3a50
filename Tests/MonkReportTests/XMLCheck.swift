// Parses SVG/XHTML text with Foundation's XMLParser and records the elements, attributes and
// text, so tests can count series and check links in what a browser would read.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

final class XMLSummary: NSObject, XMLParserDelegate {
    private(set) var elements: [(name: String, attributes: [String: String])] = []
    private(set) var texts: [String] = []
    private var currentText = ""

    /// `nil` when the document is not well-formed XML.
    static func parse(_ text: String) -> XMLSummary? {
        let summary = XMLSummary()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = summary
        return parser.parse() ? summary : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
        currentText = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { currentText += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let t = currentText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty { texts.append(t) }
        currentText = ""
    }

    func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }
    func attributes(of name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}
