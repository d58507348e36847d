// The helpers that run the built `labrun` (`labrun(_:in:)`,
// `temporaryFolder()`, `reportJSON`, …) live in LabrunTestSupport, shared
// with FaultTests.
@_exported import LabrunTestSupport
