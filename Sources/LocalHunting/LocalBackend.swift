public import Foundation
public import Hunting
public import KQL
public import KQLEngine
public import SampleTenant
import Synchronization

/// Runs queries in process with ``KQLEngine`` over the built-in sample tenant or a folder of the
/// user's own tables (`hunt run --backend local [--tables DIR]`), and answers the emulator's HTTP
/// API so the whole client path returns real results offline.
///
/// Every result is marked as sample data: the endpoint says which tables answered, and reports
/// say "sample data" on every page.
public struct LocalBackend: HuntingBackend {
    public let endpoint: HuntingEndpoint
    /// The engine, with its tables and pinned clock.
    public let engine: KQLEngine
    /// The most rows a result keeps, as the service does (`truncated` is set beyond it).
    public let rowLimit: Int

    /// The service's cap on rows per result.
    public static let serviceRowLimit = 100_000

    /// A backend over the synthetic sample tenant; `now()` is the end of the tenant's window, so
    /// `ago(1d)` finds the last day of data and every run gives the same answers.
    public init(sample configuration: SampleTenantConfiguration = SampleTenantConfiguration(), rowLimit: Int = serviceRowLimit) {
        let tenant = SampleTenant(configuration)
        let cache = TableCache { tenant.table(named: $0) }
        engine = KQLEngine(tableNames: tenant.tableNames, now: configuration.end) { cache.table(named: $0) }
        endpoint = HuntingEndpoint(kind: .local, url: Self.describe(configuration), tenant: "sample", isSampleData: true)
        self.rowLimit = rowLimit
    }

    /// A backend over tables the caller loaded (a `--tables` folder), with `now()` pinned to `now`.
    /// - Parameter source: what the tables are, for the endpoint's description (the folder path).
    public init(tables: [String: KQLTable], source: String, now: KQLDateTime, rowLimit: Int = serviceRowLimit) {
        engine = KQLEngine(tables: tables, now: now)
        endpoint = HuntingEndpoint(kind: .local, url: source, tenant: "local", isSampleData: true)
        self.rowLimit = rowLimit
    }

    /// A backend over a folder of table files (CSV, JSON lines, saved API responses).
    /// - Throws: ``TableFolderError`` with the file, line and column of what could not be read.
    public init(tablesFolder: URL, now: KQLDateTime, rowLimit: Int = serviceRowLimit) throws(TableFolderError) {
        let tables = try TableFolder.load(from: tablesFolder)
        self.init(tables: tables, source: "tables in \(tablesFolder.path)", now: now, rowLimit: rowLimit)
    }

    /// `sample tenant (seed 1: 50 devices, 30 users, 7 days to 2026-11-24)`.
    public static func describe(_ configuration: SampleTenantConfiguration) -> String {
        let end = configuration.end.iso8601.prefix(10)
        let stories = configuration.attackStories ? "" : ", no attack stories"
        return "sample tenant (seed \(configuration.seed): \(configuration.devices) devices, \(configuration.users) users, \(configuration.days) days to \(end)\(stories))"
    }

    public func run(_ request: HuntingRequest) async throws(HuntingError) -> HuntingResult {
        if let admission = request.admission { try await admission() }
        let table: KQLTable
        do {
            table = try engine.run(request.text)
        } catch {
            throw Self.classify(error, clientRequestId: request.clientRequestId)
        }
        let truncated = table.rowCount > rowLimit
        return HuntingResult(
            table: truncated ? table.prefix(rowLimit) : table, truncated: truncated, requestId: nil,
            clientRequestId: request.clientRequestId)
    }

    /// The engine's error in the classes the service uses, worded as the service words them
    /// (`Syntax error: …`, `Semantic error: …`, `Failed to resolve table …`), so the emulator can
    /// send it on and a client classifies it the same way; the place in the query is kept.
    public static func classify(_ error: KQLEngineError, clientRequestId: String?) -> HuntingError {
        let (kind, message): (HuntingError.Kind, String) = switch error.kind {
        case .syntax: (.syntax, "Syntax error: \(error)")
        case .unsupported: (.unsupported, error.description)
        case .semantic where error.message.hasPrefix("unknown table"): (.missingTable, "Failed to resolve table expression: \(error)")
        case .semantic: (.semantic, "Semantic error: \(error)")
        }
        return HuntingError(
            kind, message, status: 400, serviceCode: "BadRequest", position: error.location.map { ($0.line, $0.column) },
            clientRequestId: clientRequestId)
    }
}

/// Generated tables, made once each and shared by every query of a run: the first query that
/// asks for a table generates it while the others asking for the same table wait.
final class TableCache: Sendable {
    /// One table's place: empty until generated, then the table (or `nil`, no such table).
    private final class Slot: Sendable {
        let table = Mutex<KQLTable??>(nil)
    }

    private let make: @Sendable (String) -> KQLTable?
    private let slots = Mutex<[String: Slot]>([:])

    init(_ make: @escaping @Sendable (String) -> KQLTable?) { self.make = make }

    func table(named name: String) -> KQLTable? {
        let slot = slots.withLock { slots in
            if let slot = slots[name] { return slot }
            let slot = Slot()
            slots[name] = slot
            return slot
        }
        return slot.table.withLock { stored in
            if let stored { return stored }
            let table = make(name)
            stored = .some(table)
            return table
        }
    }
}
