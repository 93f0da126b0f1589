import Foundation
import KQL
import LocalHunting
import SampleTenant

/// `--backend local` with `--tables DIR` and `--now DATETIME`, shared by `run` and `emulator`.
enum LocalBackendOptions {
    enum Failure: Error {
        case usage(String)
        case tables(String)
    }

    static func make(_ arguments: ParsedArguments) -> Result<LocalBackend, Failure> {
        var now: KQLDateTime?
        if let text = arguments.value("now") {
            guard case .datetime(let value)? = try? KQLValue(text: text, as: .datetime) else {
                return .failure(.usage("--now takes a datetime such as 2026-11-24T00:00:00Z; got '\(text)'"))
            }
            now = value
        }
        if let folder = arguments.value("tables") {
            do {
                let clock = now ?? KQLDateTime(unixSeconds: Date().timeIntervalSince1970)
                return .success(try LocalBackend(tablesFolder: URL(fileURLWithPath: folder), now: clock))
            } catch {
                return .failure(.tables(error.description))
            }
        }
        var configuration = SampleTenantConfiguration()
        if let now { configuration.end = now }
        return .success(LocalBackend(sample: configuration))
    }
}
