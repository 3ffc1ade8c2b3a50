// Readable JSON for the schedule, class weights, positive class and threshold enums (see
// PlanCoding.swift): `"fixed"`, `{"plateau": {...}}`, `"balanced"`, `{"fixed": 0.5}`.

extension LRSchedule {
    private enum Key: String, CodingKey { case fixed, step, multistep, exponential, cosine, plateau }
    private enum Field: String, CodingKey { case stepSize, gamma, milestones, tMax, etaMin, warmupEpochs }

    public init(from decoder: any Decoder) throws {
        if (try? decoder.singleValueContainer().decode(String.self)) == "fixed" { self = .fixed; return }
        let c = try decoder.container(keyedBy: Key.self)
        let key = try onlyCase(c)
        if key == .plateau { self = .plateau(try c.decode(PlateauSettings.self, forKey: .plateau)); return }
        let f = try c.nestedContainer(keyedBy: Field.self, forKey: key)
        switch key {
        case .step: self = .step(stepSize: try f.decode(Int.self, forKey: .stepSize), gamma: try f.decode(Double.self, forKey: .gamma))
        case .multistep: self = .multistep(milestones: try f.decode([Int].self, forKey: .milestones), gamma: try f.decode(Double.self, forKey: .gamma))
        case .exponential: self = .exponential(gamma: try f.decode(Double.self, forKey: .gamma))
        case .cosine: self = .cosine(tMax: try f.decode(Int.self, forKey: .tMax), etaMin: try f.decode(Double.self, forKey: .etaMin),
                                     warmupEpochs: try f.decode(Int.self, forKey: .warmupEpochs))
        case .fixed, .plateau: throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad schedule"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .fixed = self { var c = encoder.singleValueContainer(); try c.encode("fixed"); return }
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .fixed: break
        case .plateau(let s): try c.encode(s, forKey: .plateau)
        case .step(let stepSize, let gamma):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .step)
            try f.encode(stepSize, forKey: .stepSize); try f.encode(gamma, forKey: .gamma)
        case .multistep(let milestones, let gamma):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .multistep)
            try f.encode(milestones, forKey: .milestones); try f.encode(gamma, forKey: .gamma)
        case .exponential(let gamma):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .exponential)
            try f.encode(gamma, forKey: .gamma)
        case .cosine(let tMax, let etaMin, let warmupEpochs):
            var f = c.nestedContainer(keyedBy: Field.self, forKey: .cosine)
            try f.encode(tMax, forKey: .tMax); try f.encode(etaMin, forKey: .etaMin); try f.encode(warmupEpochs, forKey: .warmupEpochs)
        }
    }
}

extension ClassWeights {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let list = try? c.decode([Double].self) { self = .explicit(list); return }
        self = try c.decode(String.self) == "balanced" ? .balanced : .none
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .none: try c.encode("none")
        case .balanced: try c.encode("balanced")
        case .explicit(let list): try c.encode(list)
        }
    }
}

extension PositiveClass {
    private enum Key: String, CodingKey { case named }

    public init(from decoder: any Decoder) throws {
        if (try? decoder.singleValueContainer().decode(String.self)) == "auto" { self = .auto; return }
        self = .named(try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .named))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .auto: var c = encoder.singleValueContainer(); try c.encode("auto")
        case .named(let name): var c = encoder.container(keyedBy: Key.self); try c.encode(name, forKey: .named)
        }
    }
}

extension ThresholdChoice {
    private enum Key: String, CodingKey { case fixed }

    public init(from decoder: any Decoder) throws {
        if (try? decoder.singleValueContainer().decode(String.self)) == "youden" { self = .youden; return }
        self = .fixed(try decoder.container(keyedBy: Key.self).decode(Double.self, forKey: .fixed))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .youden: var c = encoder.singleValueContainer(); try c.encode("youden")
        case .fixed(let x): var c = encoder.container(keyedBy: Key.self); try c.encode(x, forKey: .fixed)
        }
    }
}

private func onlyCase<K: CodingKey>(_ c: KeyedDecodingContainer<K>) throws -> K {
    guard c.allKeys.count == 1, let key = c.allKeys.first else {
        throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "expected one case"))
    }
    return key
}
