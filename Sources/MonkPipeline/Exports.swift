// The CLI talks to MonkPipeline only; the spec's types (Plan, SpecErrors, SpecSchema) come
// through this re-export.
@_exported import MonkPlan
@_exported import MonkVocabulary
