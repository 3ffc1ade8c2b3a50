// The JSON form of the configuration types is part of the contract with the pipeline (stage
// keys hash it, experiment-state.json shows it): pinned here so it cannot drift silently.
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
        let p = SamplePipeline(transforms: [.resize(size: ImageSize(256)), .centerCrop(size: ImageSize(224)),
                                            .randomResizedCrop(size: ImageSize(224)), .horizontalFlip(p: 0.5)],
                               normalization: .imagenet)
        #expect(try json(p) == #"{"normalization":{"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]},"transforms":[{"resize":{"size":{"height":256,"width":256}}},{"centerCrop":{"size":{"height":224,"width":224}}},{"randomResizedCrop":{"ratio":{"hi":1.3333333333333333,"lo":0.75},"scale":{"hi":1,"lo":0.08},"size":{"height":224,"width":224}}},{"horizontalFlip":{"p":0.5}}]}"#)
        #expect(try roundTrips(p))
        let all = SamplePipeline(transforms: [.resizeShorterSide(side: 8), .randomCrop(size: ImageSize(4), padding: 1), .verticalFlip(p: 0.1),
                                              .rotation(degrees: 10), .colorJitter(brightness: 0.2, contrast: 0.3)],
                                 normalization: Normalization(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]))
        #expect(try roundTrips(all))
    }

    @Test func dataSpec() throws {
        let spec = DataSpec(train: DatasetSource(root: "/d/train"), validation: .split(settings: SplitSettings(validationFraction: 0.3, seed: 1)),
                            preprocessing: Preprocessing(resize: .exact(size: ImageSize(224))))
        #expect(try json(spec) == #"{"onBadImage":"fail","preprocessing":{"resize":{"exact":{"size":{"height":224,"width":224}}},"scaledDecode":true},"train":{"layout":{"kind":"folderPerClass"},"root":"\/d\/train"},"validation":{"split":{"settings":{"seed":1,"stratified":true,"validationFraction":0.3}}}}"#)
        #expect(try json(Preprocessing(resize: .shorterSide(side: 256))) == #"{"resize":{"shorterSide":{"side":256}},"scaledDecode":true}"#)
        #expect(try json(DatasetLayout.csv(file: "labels.csv", delimiter: ";", header: true)) == #"{"delimiter":";","file":"labels.csv","header":true,"kind":"csv"}"#)
        let other = DataSpec(train: DatasetSource(root: "/t", layout: .csv(file: "l.csv", delimiter: ",", header: false)),
                             validation: .dataset(source: DatasetSource(root: "/v")), test: DatasetSource(root: "/x"),
                             preprocessing: Preprocessing(resize: .none, scaledDecode: false), onBadImage: .skip)
        #expect(try roundTrips(spec) && roundTrips(other))
        #expect(try json(LoaderSettings(batchSize: 4, shuffle: true)) == #"{"batchSize":4,"dropLast":false,"prefetch":2,"shuffle":true,"threads":2}"#)
    }
}
