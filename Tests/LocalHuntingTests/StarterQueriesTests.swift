import Foundation
import Hunting
import KQL
import SampleTenant
import TestSupport
import Testing

@testable import LocalHunting

/// The starter queries, run by the engine over the sample tenant: the planted attack stories
/// give findings on the default tenant, and a tenant without stories gives none.
@Suite struct StarterQueriesTests {
    /// Queries that find nothing on the default tenant, as some do in real life.
    static let expectedEmpty: Set<String> = ["defense-evasion/dll-sideloading-user-writable", "lateral-movement/identity-logons-from-many-devices"]

    static let queries: [BoundQuery] = {
        let catalog = QueryLoader().load(paths: [PackagePaths.queries.path])
        return catalog.queries.map { try! $0.bind([:]) }
    }()

    static let withStories = LocalBackend(sample: SampleTenantConfiguration())
    static let withoutStories = LocalBackend(sample: SampleTenantConfiguration(attackStories: false))

    /// The row count of every starter query on a backend, computed on one thread of its own, one
    /// query after the other: the engine's work neither holds the test pool nor floods the cores.
    static func rowCounts(on backend: LocalBackend) async throws -> [(id: String, rows: Int)] {
        let queries = Self.queries
        return try await offPool { try queries.map { ($0.query.id, try backend.engine.run($0.text).rowCount) } }
    }

    @Test func everyStarterQueryIsHere() {
        #expect(Self.queries.count == 18)
    }

    @Test func storiesTripStarterQueries() async throws {
        for (id, rows) in try await Self.rowCounts(on: Self.withStories) {
            if Self.expectedEmpty.contains(id) {
                #expect(rows == 0, "\(id) should come back empty")
            } else {
                #expect(rows >= 1, "\(id) should have findings on the default sample tenant")
            }
        }
    }

    @Test func noStoriesMeansNoFindings() async throws {
        for (id, rows) in try await Self.rowCounts(on: Self.withoutStories) {
            #expect(rows == 0, "\(id) should find nothing without attack stories")
        }
    }

    @Test func localResultsSaySampleData() async throws {
        let backend = Self.withStories
        #expect(backend.endpoint.isSampleData)
        #expect(backend.endpoint.kind == .local)
        #expect(backend.endpoint.description.contains("sample tenant (seed 1: 50 devices, 30 users, 7 days to 2026-11-24)"))
    }

    @Test func engineErrorsAreClassified() async throws {
        let backend = Self.withStories
        await #expect {
            _ = try await backend.run(HuntingRequest(queryId: "q", text: "DeviceEvents | evaluate autocluster()"))
        } throws: { error in
            guard let error = error as? HuntingError else { return false }
            return error.kind == .unsupported && error.message == "not supported offline: evaluate autocluster (1:16)"
                && error.position?.line == 1 && error.position?.column == 16
        }
        await #expect {
            _ = try await backend.run(HuntingRequest(queryId: "q", text: "DeviceEvent | take 1"))
        } throws: { error in
            (error as? HuntingError)?.kind == .missingTable
        }
        await #expect {
            _ = try await backend.run(HuntingRequest(queryId: "q", text: "DeviceEvents | where"))
        } throws: { error in
            (error as? HuntingError)?.kind == .syntax
        }
    }

    @Test func resultsAreCappedLikeTheService() async throws {
        let backend = LocalBackend(sample: SampleTenantConfiguration(devices: 3, users: 3, days: 2), rowLimit: 10)
        let result = try await backend.run(HuntingRequest(queryId: "q", text: "DeviceProcessEvents"))
        #expect(result.table.rowCount == 10)
        #expect(result.truncated)
    }
}
