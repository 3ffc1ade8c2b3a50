// A safe reader for the subset of Python pickle (protocols 2–5) that torch.save uses for
// state dicts: a stack machine that builds values and never calls or imports anything.
import Foundation

/// Bounds on what a pickle may build. Real state dicts need a nesting depth of about 5, a few
/// thousand memo entries, and containers holding one item per tensor; the defaults are
/// orders of magnitude above that and far below what would exhaust memory.
struct PickleLimits: Sendable {
    var maxDepth = 64
    var maxStack = 1 << 20
    var maxMarks = 1 << 12
    var maxMemo = 1 << 21
    /// Total container elements created or copied while reading: bounds memory even when a
    /// hostile pickle copies a large memoised list over and over.
    var maxContainerWork = 1 << 26
}

/// Runs the pickle program starting at `start` up to its STOP opcode.
///
/// `persistentLoad` receives each persistent id (`BINPERSID`) and returns what stands for it;
/// torch uses persistent ids for tensor storages. `REDUCE` only applies the allow-listed torch
/// rebuild functions (`TorchReduce`).
struct PickleReader {
    private var input: ByteReader
    private let limits: PickleLimits
    private let persistentLoad: (PickleValue) throws -> PickleValue

    /// A stack or memo slot: the value and its container nesting depth (0 for scalars).
    private struct Item {
        var value: PickleValue
        var depth: Int
    }
    private var stack: [Item] = []
    private var marks: [Int] = []
    private var memo: [Int: Item] = [:]
    private var work = 0

    init(bytes: [UInt8], start: Int = 0, end: Int? = nil, limits: PickleLimits = PickleLimits(),
         persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        input = ByteReader(bytes, from: start, to: end)
        self.limits = limits
        self.persistentLoad = persistentLoad
    }

    /// The byte just after the STOP opcode, once `read()` has returned.
    var endPosition: Int { input.position }

    mutating func read() throws -> PickleValue {
        while true {
            let offset = input.position
            let op = try input.u8("pickle opcode")
            if op == 0x2e {  // STOP
                guard stack.count == 1, marks.isEmpty else {
                    throw WeightFileError.malformed("pickle STOP at byte \(offset) with \(stack.count) values on the stack")
                }
                return stack[0].value
            }
            try step(op, at: offset)
        }
    }

    // MARK: - Opcodes

    private mutating func step(_ op: UInt8, at offset: Int) throws {
        switch op {
        case 0x80:  // PROTO
            let version = try input.u8("protocol")
            guard (2...5).contains(version) else { throw WeightFileError.unsupported("pickle protocol \(version)") }
        case 0x95: _ = try input.u64("frame length")  // FRAME: framing only, the bytes follow inline
        case 0x28:  // MARK
            guard marks.count < limits.maxMarks else { throw WeightFileError.limitExceeded("more than \(limits.maxMarks) nested pickle marks") }
            marks.append(stack.count)
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: try push(try peek())  // DUP
        case 0x4e: try push(.none)
        case 0x88: try push(.bool(true))
        case 0x89: try push(.bool(false))
        case 0x4a: try push(.int(Int64(try input.i32("BININT"))))
        case 0x4b: try push(.int(Int64(try input.u8("BININT1"))))
        case 0x4d: try push(.int(Int64(try input.u16("BININT2"))))
        case 0x8a: try push(.int(try longInt(count: Int(try input.u8("LONG1 length")))))
        case 0x8b: try push(.int(try longInt(count: try input.i32("LONG4 length"))))
        case 0x47:  // BINFLOAT, big-endian
            let raw = try input.take(8, "BINFLOAT")
            try push(.float(Double(bitPattern: raw.reduce(0) { $0 << 8 | UInt64($1) })))
        case 0x58: try push(.string(try text(count: try input.u32("BINUNICODE length"))))
        case 0x8c: try push(.string(try text(count: Int(try input.u8("SHORT_BINUNICODE length")))))
        case 0x8d: try push(.string(try text(count: try input.u64("BINUNICODE8 length"))))
        // Python 2 `str` (old torch files written under Python 2): text when it decodes.
        case 0x54: try push(.string(try text(count: try input.i32("BINSTRING length"), latin1Fallback: true)))
        case 0x55: try push(.string(try text(count: Int(try input.u8("SHORT_BINSTRING length")), latin1Fallback: true)))
        case 0x42: try push(.bytes(Array(try input.take(try input.u32("BINBYTES length"), "BINBYTES"))))
        case 0x43: try push(.bytes(Array(try input.take(Int(try input.u8("SHORT_BINBYTES length")), "SHORT_BINBYTES"))))
        case 0x8e: try push(.bytes(Array(try input.take(try input.u64("BINBYTES8 length"), "BINBYTES8"))))
        case 0x29: try push(.tuple([]))
        case 0x74: try pushContainer(.tuple, try popMark())
        case 0x85, 0x86, 0x87:  // TUPLE1/2/3
            let n = Int(op) - 0x84
            guard stack.count >= n else { throw underflow(op, offset) }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            try pushContainer(.tuple, items)
        case 0x5d: try push(.list([]))
        case 0x6c: try pushContainer(.list, try popMark())  // LIST
        case 0x61: try append(items: [try pop()], op, offset)  // APPEND
        case 0x65: try append(items: try popMark(), op, offset)  // APPENDS
        case 0x7d: try push(.dict([]))
        case 0x64: try setItems(try popMark(), onto: nil, op, offset)  // DICT
        case 0x73:  // SETITEM
            let value = try pop(), key = try pop()
            try setItems([key, value], onto: try pop(), op, offset)
        case 0x75:  // SETITEMS
            let items = try popMark()
            try setItems(items, onto: try pop(), op, offset)
        case 0x63:  // GLOBAL "module\nname\n"
            let module = try line(), name = try line()
            try push(.global(try allowedGlobal(module, name)))
        case 0x93:  // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard let n = name.value.stringValue, let m = module.value.stringValue else {
                throw WeightFileError.malformed("STACK_GLOBAL at byte \(offset) without module and name strings")
            }
            try push(.global(try allowedGlobal(m, n)))
        case 0x52:  // REDUCE
            let args = try pop(), callable = try pop()
            guard case let .global(function) = callable.value, case let .tuple(arguments) = args.value else {
                throw WeightFileError.malformed("REDUCE at byte \(offset) on a \(callable.value.kind) with \(args.value.kind) arguments")
            }
            try push(try TorchReduce.apply(function, arguments))
        case 0x62:  // BUILD: state for an OrderedDict (its `_metadata`) or a tensor; not needed
            let state = try pop(), target = try peek().value
            switch target {
            case .dict, .tensor: _ = state
            default: throw WeightFileError.malformed("BUILD at byte \(offset) on a \(target.kind)")
            }
        case 0x51:  // BINPERSID
            let pid = try pop()
            try push(try persistentLoad(pid.value))
        case 0x71: try memoize(Int(try input.u8("BINPUT index")))
        case 0x72: try memoize(try input.u32("LONG_BINPUT index"))
        case 0x94: try memoize(memo.count)  // MEMOIZE
        case 0x68: try recall(Int(try input.u8("BINGET index")), offset)
        case 0x6a: try recall(try input.u32("LONG_BINGET index"), offset)
        default: throw WeightFileError.unknownOpcode(code: op, offset: offset)
        }
    }

    // MARK: - Stack

    private mutating func push(_ value: PickleValue) throws { try push(Item(value: value, depth: 0)) }

    private mutating func push(_ item: Item) throws {
        guard stack.count < limits.maxStack else { throw WeightFileError.limitExceeded("pickle stack deeper than \(limits.maxStack)") }
        stack.append(item)
    }

    private mutating func pop() throws -> Item {
        guard stack.count > (marks.last ?? 0) else {
            throw WeightFileError.malformed("pickle stack underflow at byte \(input.position - 1)")
        }
        return stack.removeLast()
    }

    private func peek() throws -> Item {
        guard let last = stack.last, stack.count > (marks.last ?? 0) else {
            throw WeightFileError.malformed("pickle stack underflow at byte \(input.position - 1)")
        }
        return last
    }

    private mutating func popMark() throws -> [Item] {
        guard let mark = marks.popLast() else { throw WeightFileError.malformed("pickle MARK missing at byte \(input.position - 1)") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func underflow(_ op: UInt8, _ offset: Int) -> WeightFileError {
        .malformed("pickle opcode 0x\(String(op, radix: 16)) at byte \(offset) needs more values than the stack holds")
    }

    // MARK: - Containers

    private enum Sequence { case tuple, list }

    /// Charges `count` container elements against the work budget.
    private mutating func charge(_ count: Int) throws {
        work += count
        guard work <= limits.maxContainerWork else {
            throw WeightFileError.limitExceeded("pickle builds more than \(limits.maxContainerWork) container elements")
        }
    }

    private func depth(_ items: [Item], base: Int = 0) throws -> Int {
        let d = max(base, 1 + (items.map(\.depth).max() ?? 0))
        guard d <= limits.maxDepth else { throw WeightFileError.limitExceeded("pickle containers nested deeper than \(limits.maxDepth)") }
        return d
    }

    private mutating func pushContainer(_ kind: Sequence, _ items: [Item]) throws {
        try charge(items.count)
        let values = items.map(\.value)
        try push(Item(value: kind == .tuple ? .tuple(values) : .list(values), depth: try depth(items)))
    }

    private mutating func append(items: [Item], _ op: UInt8, _ offset: Int) throws {
        let target = try pop()
        guard case var .list(values) = target.value else {
            throw WeightFileError.malformed("pickle APPEND at byte \(offset) on a \(target.value.kind)")
        }
        try charge(values.count + items.count)
        values += items.map(\.value)
        try push(Item(value: .list(values), depth: try depth(items, base: target.depth)))
    }

    /// SETITEM(S) on `target`, or DICT (a new dict) when `target` is nil.
    private mutating func setItems(_ items: [Item], onto target: Item?, _ op: UInt8, _ offset: Int) throws {
        guard items.count % 2 == 0 else { throw WeightFileError.malformed("pickle dict at byte \(offset) with an odd number of items") }
        var entries: [PickleEntry] = []
        if let target {
            guard case let .dict(existing) = target.value else {
                throw WeightFileError.malformed("pickle SETITEM at byte \(offset) on a \(target.value.kind)")
            }
            entries = existing
        }
        try charge(entries.count + items.count / 2)
        // Repeated keys are kept (Python would overwrite): `StateDict` rejects duplicate names,
        // and skipping the lookup keeps a huge hostile dict linear.
        for i in stride(from: 0, to: items.count, by: 2) {
            entries.append(PickleEntry(key: items[i].value, value: items[i + 1].value))
        }
        try push(Item(value: .dict(entries), depth: try depth(items, base: target?.depth ?? 1)))
    }

    // MARK: - Memo

    private mutating func memoize(_ index: Int) throws {
        let item = try peek()
        guard memo[index] != nil || memo.count < limits.maxMemo else {
            throw WeightFileError.limitExceeded("pickle memo larger than \(limits.maxMemo) entries")
        }
        memo[index] = item
    }

    private mutating func recall(_ index: Int, _ offset: Int) throws {
        guard let item = memo[index] else { throw WeightFileError.malformed("pickle BINGET of unset memo slot \(index) at byte \(offset)") }
        try push(item)
    }

    // MARK: - Scalars

    /// A little-endian two's-complement integer of `count` bytes that must fit Int64.
    private mutating func longInt(count: Int) throws -> Int64 {
        guard count >= 0 else { throw WeightFileError.malformed("negative LONG length") }
        guard count <= 8 else { throw WeightFileError.limitExceeded("pickle integer of \(count) bytes") }
        let raw = try input.take(count, "LONG")
        guard let last = raw.last else { return 0 }
        var v: UInt64 = last & 0x80 != 0 ? ~0 : 0  // sign extension
        for byte in raw.reversed() { v = v << 8 | UInt64(byte) }
        return Int64(bitPattern: v)
    }

    private mutating func text(count: Int, latin1Fallback: Bool = false) throws -> String {
        guard count >= 0 else { throw WeightFileError.malformed("negative string length") }
        let raw = try input.take(count, "string")
        if let s = String(validating: raw, as: UTF8.self) { return s }
        guard latin1Fallback else { throw WeightFileError.malformed("string at byte \(input.position - count) is not UTF-8") }
        return String(raw.map { Character(UnicodeScalar($0)) })
    }

    /// A newline-terminated ASCII line of a GLOBAL opcode (module and attribute names are short).
    private mutating func line() throws -> String {
        let start = input.position
        var raw: [UInt8] = []
        while true {
            let byte = try input.u8("GLOBAL name")
            if byte == 0x0a { break }
            raw.append(byte)
            guard raw.count <= 256 else { throw WeightFileError.malformed("GLOBAL name at byte \(start) longer than 256 bytes") }
        }
        return String(decoding: raw, as: UTF8.self)
    }

    private func allowedGlobal(_ module: String, _ name: String) throws -> TorchGlobal {
        guard let global = TorchGlobal(module: module, name: name) else {
            throw WeightFileError.forbiddenGlobal(module: module, name: name)
        }
        return global
    }
}
