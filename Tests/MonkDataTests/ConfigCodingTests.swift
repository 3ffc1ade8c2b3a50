// The JSON form of the configuration types is part of the contract with checkpoint sidecars
// (which record the evaluation input) and the pixel cache: pinned here so it cannot drift silently.
import Foundation
import Testing
@testable import MonkData
import MonkVocabulary

@Suite struct ConfigCodingTests {
    func json<T: Encodable>(_ v: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    func roundTrips<T: Codable & Equatable>(_ v: T) throws -> Bool {
        try JSONDecoder().decode(T.self, from: Data(json(v).utf8)) == v
    }

    @Test func samplePipeline() throws {
        let p = SamplePipeline(transforms: [.resize(size: 256), .centerCrop(size: 224),
                                            .randomResizedCrop(size: 224), .horizontalFlip(probability: 0.5)],
                               normalization: .imagenet)
        // The transforms' encoding is the plan's (MonkVocabulary's Transform): one form.
        #expect(try json(p) == #"{"normalization":{"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]},"transforms":[{"resize":{"size":256}},{"centerCrop":{"size":224}},{"randomResizedCrop":{"ratio":{"lower":0.75,"upper":1.3333333333333333},"scale":{"lower":0.08,"upper":1},"size":224}},{"horizontalFlip":{"probability":0.5}}]}"#)
        #expect(try roundTrips(p))
        let all = SamplePipeline(transforms: [.grayscale, .randomCrop(size: 4, padding: 1), .verticalFlip(probability: 0.1),
                                              .randomRotation(degrees: 10), .colorJitter(brightness: 0.2, contrast: 0.3)],
                                 normalization: Normalization(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]))
        #expect(try roundTrips(all))
    }

    /// A sidecar written before the transforms were declared once (sizes as width and height)
    /// still reads, as the same steps; a size that is not square cannot be one of them.
    @Test func olderSidecarPipelinesStillRead() throws {
        let old = #"{"normalization":{"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]},"transforms":[{"grayscale":{}},{"resize":{"size":{"height":256,"width":256}}},{"centerCrop":{"size":{"height":224,"width":224}}}]}"#
        let p = try JSONDecoder().decode(SamplePipeline.self, from: Data(old.utf8))
        #expect(p == SamplePipeline(transforms: [.grayscale, .resize(size: 256), .centerCrop(size: 224)], normalization: .imagenet))
        let oblong = #"{"normalization":{"mean":[0,0,0],"std":[1,1,1]},"transforms":[{"resize":{"size":{"height":20,"width":30}}}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SamplePipeline.self, from: Data(oblong.utf8)) }
    }

    @Test func preprocessingAndLoaderSettings() throws {
        #expect(try json(Preprocessing(resize: .exact(size: ImageSize(224)))) == #"{"resize":{"exact":{"size":{"height":224,"width":224}}},"scaledDecode":true}"#)
        #expect(try json(Preprocessing(resize: .shorterSide(side: 256))) == #"{"resize":{"shorterSide":{"side":256}},"scaledDecode":true}"#)
        #expect(try json(DatasetLayout.csv(file: "labels.csv", delimiter: ";", header: true)) == #"{"delimiter":";","file":"labels.csv","header":true,"kind":"csv"}"#)
        #expect(try roundTrips(Preprocessing(resize: .none, scaledDecode: false)))
        #expect(try json(LoaderSettings(batchSize: 4, shuffle: true)) == #"{"batchSize":4,"dropLast":false,"prefetch":2,"shuffle":true,"threads":2}"#)
    }
}
