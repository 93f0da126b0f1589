import Foundation
import KQL
import SampleTenant
import TestSupport
import Testing

@testable import KQLEngine

/// The share of real public hunting queries the engine runs, over a small sample tenant.
///
/// Eligible: the corpus queries that read only tables the sample tenant has (the 13 tables of
/// `tables.json` with columns) and use no `externaldata`. The test fails below 85% without a
/// "not supported" error, and writes the unsupported features it met, most frequent first, to
/// `.build/test-artifacts/engine-coverage.txt`.
@Suite struct CorpusCoverageTests {
    static let tenant = SampleTenant(SampleTenantConfiguration(devices: 6, users: 5, days: 2))

    /// The sample tenant's tables, generated once.
    static let tables: [String: KQLTable] = tenant.tables()

    /// The names of tables a query mentions (any schema table name among its identifiers).
    static func tablesMentioned(in text: String) -> Set<String> {
        let known = Set(HuntingSchema.defender.knownTableNames)
        var names = Set<String>()
        for token in Lexer.lex(text).tokens where token.kind == .identifier && known.contains(token.text) {
            names.insert(token.text)
        }
        return names
    }

    @Test func corpusQueriesRunOffline() async throws {
        let (eligible, withoutUnsupported, report) = try await offPool { try Self.coverage() }
        #expect(eligible >= 500, "the corpus filter found too few queries: \(eligible)")
        #expect(withoutUnsupported >= 0.85, "\(report)")
    }

    /// Runs the eligible corpus queries; writes the report and returns the counts.
    static func coverage() throws -> (eligible: Int, withoutUnsupported: Double, report: String) {
        let sampleTables = Set(Self.tables.keys)
        let engine = KQLEngine(tables: Self.tables, now: SampleTenantConfiguration.defaultEnd)
        var eligible = 0, succeeded = 0, unsupported = 0, semantic = 0, syntax = 0
        var features: [String: Int] = [:]
        var semanticErrors: [String] = []
        for file in PackagePaths.corpusFiles {
            let text = try String(contentsOf: file, encoding: .utf8)
            let mentioned = Self.tablesMentioned(in: text)
            guard !mentioned.isEmpty, mentioned.isSubset(of: sampleTables), !text.lowercased().contains("externaldata") else { continue }
            eligible += 1
            do {
                _ = try engine.run(text)
                succeeded += 1
            } catch {
                switch error.kind {
                case .unsupported:
                    unsupported += 1
                    features[Self.feature(error.message), default: 0] += 1
                case .semantic:
                    semantic += 1
                    semanticErrors.append("\(file.lastPathComponent): \(error)")
                case .syntax:
                    syntax += 1
                }
            }
        }
        let withoutUnsupported = Double(eligible - unsupported) / Double(max(eligible, 1))
        var report = """
            eligible queries: \(eligible)
            ran: \(succeeded)
            not supported: \(unsupported)
            other errors: \(semantic) (query does not fit the sample schema or data), syntax: \(syntax)
            share without a not-supported error: \(String(format: "%.1f%%", withoutUnsupported * 100))

            unsupported features, most frequent first:

            """
        for (feature, count) in features.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            report += "\(count)\t\(feature)\n"
        }
        report += "\nother errors:\n" + semanticErrors.joined(separator: "\n") + "\n"
        let artifacts = PackagePaths.root.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try report.write(to: artifacts.appendingPathComponent("engine-coverage.txt"), atomically: true, encoding: .utf8)
        return (eligible, withoutUnsupported, report)
    }

    /// Cutting source tables to the columns a query reads never changes a result: every eligible
    /// corpus query gives the same table (or the same error) with and without it.
    @Test func columnPruningNeverChangesAResult() async throws {
        let (compared, differences) = try await offPool { try Self.pruningDifferences() }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(compared > 100)
    }

    /// The corpus queries whose result or error differs with and without pruning.
    static func pruningDifferences() throws -> (compared: Int, differences: [String]) {
        var differences: [String] = []
        let sampleTables = Set(Self.tables.keys)
        let pruned = KQLEngine(tables: Self.tables, now: SampleTenantConfiguration.defaultEnd)
        var full = pruned
        full.pruneColumns = false
        var compared = 0
        for file in PackagePaths.corpusFiles {
            let text = try String(contentsOf: file, encoding: .utf8)
            let mentioned = Self.tablesMentioned(in: text)
            guard !mentioned.isEmpty, mentioned.isSubset(of: sampleTables), !text.lowercased().contains("externaldata") else { continue }
            let a = Result { () throws(KQLEngineError) in try pruned.run(text) }
            let b = Result { () throws(KQLEngineError) in try full.run(text) }
            switch (a, b) {
            case let (.success(x), .success(y)):
                if x != y { differences.append("\(file.lastPathComponent): results differ") }
                compared += 1
            case let (.failure(x), .failure(y)):
                if x.kind != y.kind { differences.append("\(file.lastPathComponent): \(x) vs \(y)") }
            default:
                differences.append("\(file.lastPathComponent): \(a) vs \(b)")
            }
        }
        return (compared, differences)
    }

    /// The feature named by an unsupported error, without argument details.
    static func feature(_ message: String) -> String { message }
}
