// Builds a YAMLNode tree from the event stream of the system's libyaml (module CYAML), refusing
// what a spec never needs and an attacker would use: alias expansion past a node budget, deep
// nesting, several documents, tags, complex keys, duplicate keys. Aliases are expanded here,
// by reference and counted, never by libyaml (its event API reports an alias, not a copy).
import CYAML

enum YAMLComposer {
    /// Deeper than any sensible spec (the format itself nests about 5 levels).
    static let maxDepth = 64
    /// Nodes after alias expansion; a spec has a few hundred.
    static let maxNodes = 100_000

    /// The root node (possibly with errors that did not stop composition) and the errors.
    struct Outcome {
        var node: YAMLNode?
        var errors: [SpecError]
    }

    private struct Frame {
        var isMapping: Bool
        var mark: SourceMark
        var path: String
        var anchor: String?
        var items: [YAMLNode] = []
        var entries: [YAMLEntry] = []
        /// Where each key of `entries` was first written: finding a duplicate by scanning
        /// `entries` made a mapping of 40,000 keys quadratic.
        var keyLines: [String: SourceMark] = [:]
        var pendingKey: (key: String, mark: SourceMark)?
        var skipNextValue = false
        var weight = 1
    }

    /// The document's root node, or every error found (composition stops at the first
    /// syntax or refusal error; duplicate-key errors are collected and parsing continues).
    static func compose(_ text: String) -> Outcome {
        var bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return Outcome(node: nil, errors: [SpecError(.unreadable, at: .none, path: "", "the YAML parser could not start")])
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var state = State(bytes: UnsafeBufferPointer(buffer))
            return state.run(&parser)
        }
    }

    private struct State {
        /// The text being parsed, to place errors that libyaml reports by byte offset.
        let bytes: UnsafeBufferPointer<UInt8>
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        var root: YAMLNode?
        var errors: [SpecError] = []
        var documents = 0
        var usedAlias = false

        mutating func run(_ parser: inout yaml_parser_t) -> Outcome {
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    return Outcome(node: nil, errors: errors + [syntaxError(parser)])
                }
                defer { yaml_event_delete(&event) }
                let mark = SourceMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                if let refusal = handle(event, at: mark) {
                    return Outcome(node: nil, errors: errors + [refusal])
                }
                if event.type == YAML_STREAM_END_EVENT { break }
            }
            guard let root else {
                return Outcome(node: nil, errors: [SpecError(.missingKey, at: .none, path: "", "the file is empty; a spec needs at least `project` and `data`")])
            }
            return Outcome(node: root, errors: errors)
        }

        /// Consumes one event; returns an error that stops composition.
        mutating func handle(_ event: yaml_event_t, at mark: SourceMark) -> SpecError? {
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    return SpecError(.refused, at: mark, path: "", "a spec is one YAML document; this is a second one (`---`)")
                }
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                if let refusal = checkTag(s.tag, at: mark) { return refusal }
                let text = string(s.value, count: s.length)
                let plain = s.style == YAML_PLAIN_SCALAR_STYLE
                return attach(YAMLNode(.scalar(text, plain: plain), mark: mark, path: childPath()), anchor: cString(s.anchor))
            case YAML_ALIAS_EVENT:
                let name = cString(event.data.alias.anchor) ?? ""
                guard let node = anchors[name] else {
                    return SpecError(.syntax, at: mark, path: childPath(), "alias *\(name) names no anchor defined before it")
                }
                usedAlias = true
                return attach(node, anchor: nil)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                if let refusal = checkTag(tag, at: mark) { return refusal }
                if stack.count >= YAMLComposer.maxDepth {
                    return SpecError(.refused, at: mark, path: childPath(),
                        "nesting deeper than \(YAMLComposer.maxDepth) levels; a spec never needs this")
                }
                stack.append(Frame(isMapping: isMapping, mark: mark, path: childPath(), anchor: cString(anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                let value: YAMLNode.Value = frame.isMapping ? .mapping(frame.entries) : .sequence(frame.items)
                return attach(YAMLNode(value, mark: frame.mark, path: frame.path), anchor: frame.anchor)
            default:
                break
            }
            return nil
        }

        /// The key path of the node about to be read.
        func childPath() -> String {
            guard let top = stack.last else { return "" }
            if top.isMapping {
                return top.pendingKey.map { joinPath(top.path, $0.key) } ?? top.path
            }
            return top.path + "[\(top.items.count)]"
        }

        mutating func attach(_ node: YAMLNode, anchor: String?) -> SpecError? {
            if let anchor { anchors[anchor] = node }
            guard !stack.isEmpty else {
                root = node
                return node.weight > YAMLComposer.maxNodes ? aliasBomb(node) : nil
            }
            var top = stack.removeLast()
            defer { stack.append(top) }
            top.weight += node.weight
            if top.weight > YAMLComposer.maxNodes { return aliasBomb(node) }
            if !top.isMapping {
                top.items.append(node)
            } else if let key = top.pendingKey {
                if !top.skipNextValue { top.entries.append(YAMLEntry(key: key.key, keyMark: key.mark, value: node)) }
                top.pendingKey = nil
                top.skipNextValue = false
            } else {
                guard case .scalar(let key, _) = node.value else {
                    errors.append(SpecError(.refused, at: node.mark, path: top.path,
                        "a key must be a single word, not \(node.kindDescription)"))
                    top.pendingKey = ("?", node.mark)
                    top.skipNextValue = true
                    return nil
                }
                if key == "<<" {
                    errors.append(SpecError(.refused, at: node.mark, path: top.path,
                        "YAML merge keys (`<<`) are not supported; put shared settings in `defaults`"))
                    top.skipNextValue = true
                } else if let first = top.keyLines[key] {
                    errors.append(SpecError(.duplicateKey, at: node.mark, path: joinPath(top.path, key),
                        "key '\(key)' appears twice in this mapping (first at line \(first.line)); remove one"))
                    top.skipNextValue = true
                } else {
                    top.keyLines[key] = node.mark
                }
                top.pendingKey = (key, node.mark)
            }
            return nil
        }

        func aliasBomb(_ node: YAMLNode) -> SpecError {
            guard usedAlias else {
                return SpecError(.refused, at: node.mark, path: node.path,
                    "the document holds more than \(YAMLComposer.maxNodes) values; a spec never needs this")
            }
            return SpecError(.refused, at: node.mark, path: node.path,
                "aliases expand this document past \(YAMLComposer.maxNodes) values; monkpipe refuses it (write values out, or use `defaults`)")
        }

        func checkTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, at mark: SourceMark) -> SpecError? {
            guard let tag = cString(tag) else { return nil }
            return SpecError(.refused, at: mark, path: childPath(),
                "YAML tags (\(tag)) are not used in specs; quote a value to make it a string")
        }

        /// libyaml's error, placed: scanner and parser errors carry a mark; reader errors
        /// (a character YAML does not allow, such as a C1 control code) only a byte offset;
        /// a memory error neither, so it is placed where the parser had got to.
        func syntaxError(_ parser: yaml_parser_t) -> SpecError {
            var problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
            let context = parser.context.map { " " + String(cString: $0) } ?? ""
            let mark: SourceMark
            switch parser.error {
            case YAML_READER_ERROR:
                mark = position(ofByte: Int(parser.problem_offset))
                if parser.problem_value >= 0 {
                    let code = String(parser.problem_value, radix: 16, uppercase: true)
                    problem += " (U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))"
                }
            case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
                mark = SourceMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            default:
                mark = SourceMark(line: Int(parser.mark.line) + 1, column: Int(parser.mark.column) + 1)
            }
            if problem.hasPrefix("Maximum nesting level") {
                // libyaml's own cap (1000 levels) can trigger before ours, while scanning ahead.
                return SpecError(.refused, at: mark, path: childPath(),
                    "nesting deeper than \(YAMLComposer.maxDepth) levels; a spec never needs this")
            }
            return SpecError(.syntax, at: mark, path: childPath(), "YAML syntax: \(problem)\(context)")
        }

        /// Line and column (counted in characters, as libyaml's marks are) of a byte offset.
        func position(ofByte offset: Int) -> SourceMark {
            var line = 1, column = 1
            for byte in bytes.prefix(min(max(offset, 0), bytes.count)) {
                if byte == UInt8(ascii: "\n") {
                    line += 1; column = 1
                } else if byte & 0xC0 != 0x80 {   // not a UTF-8 continuation byte
                    column += 1
                }
            }
            return SourceMark(line: line, column: column)
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, count: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
