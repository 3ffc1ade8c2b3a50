// The errors found in one spec, in the order found, each once, added in constant time.

/// A list with a set beside it: checking each new error against every earlier one made
/// `validate` of a 709 KB spec with 40,000 unknown keys take 32–85 s (issue 13, item 6).
/// How many are printed is `SpecErrors.render`'s business (the first 50, then a count).
struct ErrorLog {
    private(set) var list: [SpecError] = []
    private var seen: Set<SpecError> = []

    var isEmpty: Bool { list.isEmpty }

    /// Adds `error` unless the same error (place, path and message) is already there.
    mutating func append(_ error: SpecError) {
        if seen.insert(error).inserted { list.append(error) }
    }

    mutating func append(contentsOf errors: [SpecError]) {
        for error in errors { append(error) }
    }
}
