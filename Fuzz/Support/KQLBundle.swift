// Stand-in for the `Bundle.module` accessor SwiftPM generates for a target with resources, used
// only when Fuzz/run compiles KQL with swiftc directly (it adds this file only if the KQL sources
// mention `Bundle.module`). The bundle is a plain folder holding the files of Sources/KQL/Resources:
//   1. $FUZZ_KQL_RESOURCES, when set (Fuzz/run sets it);
//   2. otherwise `<folder of the executable>/../KQL.resources`, i.e. .build/fuzz/KQL.resources for
//      .build/fuzz/bin/<target>, so a crash reproduces without the variable.
import Foundation

extension Foundation.Bundle {
    static let module: Bundle = {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["FUZZ_KQL_RESOURCES"], !path.isEmpty {
            candidates.append(path)
        }
        candidates.append(
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("KQL.resources").path)
        for path in candidates {
            if let bundle = Bundle(path: path) { return bundle }
        }
        fatalError("could not load the KQL resource bundle from \(candidates); set FUZZ_KQL_RESOURCES")
    }()
}
