// The subset of Kubernetes' batch/v1 Job that monkpipe writes, as typed Codable values in the
// API's own field names and order (written as JSON documents of a YAML stream; nil fields are left out).
import Foundation

public enum Kube {
    public struct Job: Codable, Equatable, Sendable {
        public var apiVersion = "batch/v1"
        public var kind = "Job"
        public var metadata: ObjectMeta
        public var spec: JobSpec
    }

    public struct ObjectMeta: Codable, Equatable, Sendable {
        public var name: String?
        public var namespace: String?
        public var labels: SortedMap?
        public var annotations: SortedMap?
    }

    public struct JobSpec: Codable, Equatable, Sendable {
        public var completionMode: String?
        public var completions: Int?
        public var parallelism: Int?
        public var backoffLimit: Int?
        /// Retries per index of an Indexed Job: one experiment failing does not stop the others.
        public var backoffLimitPerIndex: Int?
        public var podFailurePolicy: PodFailurePolicy?
        public var template: PodTemplate
    }

    public struct PodFailurePolicy: Codable, Equatable, Sendable {
        public var rules: [Rule]
        public struct Rule: Codable, Equatable, Sendable {
            public var action: String
            public var onExitCodes: ExitCodes
        }
        public struct ExitCodes: Codable, Equatable, Sendable {
            public var containerName: String?
            public var `operator`: String
            public var values: [Int]
        }
    }

    public struct PodTemplate: Codable, Equatable, Sendable {
        public var metadata: ObjectMeta?
        public var spec: PodSpec
    }

    public struct PodSpec: Codable, Equatable, Sendable {
        public var restartPolicy: String
        /// Seconds a pod may run before it is stopped (the per-task `--time`).
        public var activeDeadlineSeconds: Int?
        public var initContainers: [Container]?
        public var containers: [Container]
        public var volumes: [Volume]
    }

    public struct Container: Codable, Equatable, Sendable {
        public var name: String
        public var image: String
        public var command: [String]
        public var workingDir: String?
        public var env: [EnvVar]?
        public var resources: Resources?
        public var volumeMounts: [VolumeMount]
    }

    public struct EnvVar: Codable, Equatable, Sendable {
        public var name: String
        public var value: String?
        public var valueFrom: EnvSource?
    }

    public struct EnvSource: Codable, Equatable, Sendable {
        public var fieldRef: ObjectFieldSelector?
        public var resourceFieldRef: ResourceFieldRef?
    }

    /// A field of the pod (`metadata.annotations['KEY']`: one annotation's value).
    public struct ObjectFieldSelector: Codable, Equatable, Sendable {
        public var apiVersion: String?
        public var fieldPath: String
    }

    public struct ResourceFieldRef: Codable, Equatable, Sendable {
        public var resource: String
        public var divisor: String?
    }

    public struct Resources: Codable, Equatable, Sendable {
        public var requests: SortedMap?
        public var limits: SortedMap?
    }

    public struct Volume: Codable, Equatable, Sendable {
        public var name: String
        public var persistentVolumeClaim: ClaimSource
    }

    public struct ClaimSource: Codable, Equatable, Sendable {
        public var claimName: String
    }

    public struct VolumeMount: Codable, Equatable, Sendable {
        public var name: String
        public var mountPath: String
    }

    /// A string map written in key order, so that the same submission gives the same file.
    public struct SortedMap: Codable, Equatable, Sendable, ExpressibleByDictionaryLiteral {
        public var entries: [String: String]

        public init(_ entries: [String: String]) { self.entries = entries }
        public init(dictionaryLiteral elements: (String, String)...) {
            entries = Dictionary(elements, uniquingKeysWith: { _, last in last })
        }

        struct EntryKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: EntryKey.self)
            for k in entries.keys.sorted() { try c.encode(entries[k]!, forKey: EntryKey(stringValue: k)) }
        }

        public init(from decoder: Decoder) throws {
            entries = try [String: String](from: decoder)
        }
    }
}
