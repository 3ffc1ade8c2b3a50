// A minimal SVG writer: elements appended as text with escaped content and coordinates
// rounded to 0.1 px, so files stay small and every chart shares one look.
import Foundation

/// Escapes text for XML and HTML content and attribute values.
public func escapeXML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // XML 1.0 forbids most control characters even when escaped; drop them.
            if let v = ch.unicodeScalars.first?.value, ch.unicodeScalars.count == 1, v < 0x20, v != 0x9, v != 0xA, v != 0xD {
                continue
            }
            out.append(ch)
        }
    }
    return out
}

/// An SVG document under construction.
struct SVGCanvas {
    let width: Double
    let height: Double
    private(set) var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Coordinates with one decimal and no trailing ".0".
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : NumberText.fixed(r, 1)
    }

    mutating func raw(_ element: String) { body.append(element) }

    /// A line; horizontal and vertical lines get `crispEdges` so 1-px strokes stay sharp.
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        let crisp = (x1 == x2 || y1 == y2) ? " shape-rendering=\"crispEdges\"" : ""
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        raw("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" "
            + "stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(dashed)\(crisp)/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil,
                           label: String) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        raw("<polyline data-series=\"\(escapeXML(label))\" points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\"\(dashed)/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
                       title: String? = nil) {
        let s = stroke.map { " stroke=\"\($0)\"" } ?? ""
        let open = "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" "
            + "fill=\"\(fill)\"\(s) shape-rendering=\"crispEdges\""
        raw(title.map { open + "><title>\(escapeXML($0))</title></rect>" } ?? open + "/>")
    }

    mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String) {
        raw("<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\"/>")
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ s: String, _ x: Double, _ y: Double, anchor: Anchor = .start, size: Double = 12,
                       weight: String? = nil, fill: String = "#222", rotate: Double? = nil) {
        let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
        let r = rotate.map { " transform=\"rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))\"" } ?? ""
        raw("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor.rawValue)\" font-size=\"\(Self.n(size))\""
            + "\(w) fill=\"\(fill)\"\(r)>\(escapeXML(s))</text>")
    }

    /// The finished document with a title for screen readers and browser tabs.
    func render(title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" \
        viewBox="0 0 \(Self.n(width)) \(Self.n(height))" font-family="Helvetica, Arial, sans-serif">
        <title>\(escapeXML(title))</title>
        <rect width="100%" height="100%" fill="#fff"/>

        """ + body.joined(separator: "\n") + "\n</svg>\n"
    }
}
