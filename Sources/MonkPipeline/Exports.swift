// The CLI talks to MonkPipeline only; the spec's types (Plan, SpecErrors, SpecSchema) come
// through this re-export.
@_exported import MonkPlan
@_exported import MonkVocabulary

import MonkEngine
/// How the CLI shows an error: Foundation's and the system's file errors as one sentence.
public typealias FileSystemError = MonkEngine.FileSystemError
