// A quick run's part of each folder (`data.limit`), declared once: the plan keys the load
// stage with it (an absent limit is no key field at all) and MonkData's DatasetLimit.swift
// picks the images.

/// How many images of each folder a quick run reads: a count or a fraction, chosen per class
/// in proportion with `seed`.
public struct DataLimit: Codable, Equatable, Hashable, Sendable {
    public enum Amount: Codable, Equatable, Hashable, Sendable {
        case images(Int)
        /// In (0, 1).
        case fraction(Double)

        /// As the spec writes it: `200` or `0.1`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let n = try? c.decode(Int.self) { self = .images(n) } else { self = .fraction(try c.decode(Double.self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .images(let n): try c.encode(n)
            case .fraction(let f): try c.encode(f)
            }
        }
    }

    public var amount: Amount
    public var seed: UInt64

    public init(amount: Amount, seed: UInt64) {
        self.amount = amount
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey { case images, fraction, seed }

    // `{"images": 200, "seed": 0}` or `{"fraction": 0.1, "seed": 0}`: readable in
    // experiment-state.json and in `plan`'s "what changed" lines.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.decode(UInt64.self, forKey: .seed)
        if let n = try c.decodeIfPresent(Int.self, forKey: .images) { amount = .images(n) } else {
            amount = .fraction(try c.decode(Double.self, forKey: .fraction))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        switch amount {
        case .images(let n): try c.encode(n, forKey: .images)
        case .fraction(let f): try c.encode(f, forKey: .fraction)
        }
    }
}
