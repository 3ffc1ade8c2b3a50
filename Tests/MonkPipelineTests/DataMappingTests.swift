// The plan's transform lists become the pixel-cache preprocessing and per-epoch pipelines.
import Foundation
import Testing
import MonkData
@testable import MonkPipeline
import MonkVocabulary

@Suite struct DataMappingTests {
    func plan(_ data: String) throws -> Plan {
        try PlanLoader.plan(text: """
        project: p
        data:
        \(data)
        experiments: {a: {}}
        """, specDirectory: "/tmp/spec")
    }

    @Test func leadingResizeGoesToTheCacheAndNormalizeToTheEnd() throws {
        let p = try plan("""
          train: t
          input_size: 32
          train_transforms: [resize, horizontal_flip, {normalize: imagenet}]
          eval_transforms: [resize, {normalize: imagenet}]
        """)
        let d = DataPipelines(p.data)
        #expect(d.preprocessing.resize == .exact(size: ImageSize(32)))
        #expect(d.train.transforms == [.horizontalFlip(probability: 0.5)])
        #expect(d.eval.transforms.isEmpty)
        #expect(d.train.normalization == .imagenet)
    }

    @Test func grayscaleAddsLumaAndSpreadsOneValueStatistics() throws {
        let p = try plan("""
          train: t
          input_size: 16
          color: grayscale
          train_transforms: [resize, {normalize: {mean: [0.5], std: [0.25]}}]
          eval_transforms: [resize, {normalize: {mean: [0.5], std: [0.25]}}]
        """)
        let d = DataPipelines(p.data)
        #expect(d.train.transforms.first == .grayscale)
        #expect(d.eval.transforms.first == .grayscale)
        #expect(d.eval.normalization == Normalization(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]))
    }
}
