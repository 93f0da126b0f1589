import Foundation
import Hunting
import HuntingEmulator
import KQL
import SampleTenant
import Testing

@testable import LocalHunting

/// The emulator answering from the local engine: the whole HTTP path (token, Graph request,
/// response decoding) returns the engine's real results.
@Suite struct EmulatorLocalTests {
    @Test func graphClientGetsTheEnginesAnswer() async throws {
        let local = LocalBackend(sample: SampleTenantConfiguration(devices: 5, users: 4, days: 2))
        let emulator = HuntingEmulator(backend: local)
        let url = try emulator.start()
        defer { emulator.stop(gracePeriod: 0.1) }
        let configuration = EmulatorConfiguration()
        let endpoint = try EntraTokenEndpoint(authority: url, tenant: configuration.tenant, transport: URLSessionTransport())
        let credential = try ClientSecretCredential(
            endpoint: endpoint, clientId: configuration.applications[0].clientId, secret: Secret("emulator-secret"))
        let graph = try GraphBackend(
            baseURL: url, tenant: configuration.tenant, tokens: TokenCache(credential: credential), transport: URLSessionTransport(),
            isSampleData: true)

        let text = "DeviceProcessEvents | summarize Processes = count(), Devices = dcount(DeviceId) by FileName | sort by Processes desc, FileName asc | take 5"
        var request = HuntingRequest(queryId: "top-processes", text: text)
        request.timeout = 30
        let answer = try await graph.run(request)
        let expected = try local.engine.run(text)
        #expect(answer.table.rowCount == 5)
        #expect(answer.table.schema.map(\.name) == ["FileName", "Processes", "Devices"])
        for row in 0..<expected.rowCount {
            #expect(answer.table.row(row) == expected.row(row))
        }

        // An engine error reaches the client as the service's classified 400.
        var failing = HuntingRequest(queryId: "broken", text: "DeviceProcessEvents | where NoSuchColumn == 1")
        failing.timeout = 30
        await #expect {
            _ = try await graph.run(failing)
        } throws: { error in
            guard let error = error as? HuntingError else { return false }
            return error.kind == .semantic && error.message.contains("NoSuchColumn") && error.position?.line == 1
                && error.position?.column == 29
        }
        var unsupported = HuntingRequest(queryId: "plugin", text: "DeviceProcessEvents | evaluate autocluster()")
        unsupported.timeout = 30
        await #expect {
            _ = try await graph.run(unsupported)
        } throws: { error in
            guard let error = error as? HuntingError else { return false }
            return error.kind == .unsupported && error.message.contains("not supported offline: evaluate autocluster (1:23)")
        }
        var missing = HuntingRequest(queryId: "table", text: "DeviceProcessEvent | take 1")
        missing.timeout = 30
        await #expect {
            _ = try await graph.run(missing)
        } throws: { error in
            (error as? HuntingError)?.kind == .missingTable
        }
    }
}
