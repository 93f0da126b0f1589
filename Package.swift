// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "AdvancedHunting",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KQL", targets: ["KQL"]),
        .library(name: "Hunting", targets: ["Hunting"]),
        .executable(name: "hunt", targets: ["hunt"]),
    ],
    targets: [
        .target(name: "KQL", resources: [.copy("Resources/tables.json")], swiftSettings: strict),
        .target(name: "Hunting", dependencies: ["KQL"], swiftSettings: strict),
        .target(name: "KQLEngine", dependencies: ["KQL"], swiftSettings: strict),
        .target(name: "SampleTenant", dependencies: ["KQL"], swiftSettings: strict),
        .target(name: "LocalHunting", dependencies: ["KQL", "KQLEngine", "Hunting", "SampleTenant"], swiftSettings: strict),
        .target(name: "HuntingEmulator", dependencies: ["KQL", "Hunting", "SampleTenant"], swiftSettings: strict),
        .target(name: "HuntingReports", dependencies: ["KQL", "Hunting"], swiftSettings: strict),
        .target(name: "HuntingJob", dependencies: ["KQL", "Hunting", "HuntingReports", "LocalHunting", "SampleTenant"], swiftSettings: strict),
        .executableTarget(
            name: "hunt", dependencies: ["KQL", "Hunting", "HuntingEmulator", "HuntingReports", "HuntingJob", "LocalHunting", "SampleTenant"],
            swiftSettings: strict),
        .executableTarget(name: "hunt-bench", dependencies: ["Hunting", "KQL", "KQLEngine", "HuntingEmulator", "HuntingReports", "SampleTenant"], path: "Sources/hunt-bench", swiftSettings: strict),
        .target(name: "TestSupport", dependencies: ["SampleTenant"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "KQLTests", dependencies: ["KQL", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KQLEngineTests", dependencies: ["KQLEngine", "KQL", "SampleTenant", "TestSupport"], exclude: ["Semantics"],
            swiftSettings: strict),
        .testTarget(
            name: "LocalHuntingTests", dependencies: ["LocalHunting", "KQLEngine", "Hunting", "HuntingEmulator", "KQL", "SampleTenant", "TestSupport"],
            swiftSettings: strict),
        .testTarget(name: "SampleTenantTests", dependencies: ["SampleTenant", "KQL", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "HuntingTests", dependencies: ["Hunting", "KQL", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "HuntingEmulatorTests", dependencies: ["HuntingEmulator", "Hunting", "KQL", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "HuntingReportsTests", dependencies: ["HuntingReports", "KQL", "TestSupport"],
            exclude: ["MustacheSpec", "Golden", "XSSVectors.txt"], swiftSettings: strict),
        .testTarget(
            name: "HuntingJobTests", dependencies: ["HuntingJob", "HuntingReports", "HuntingEmulator", "LocalHunting", "Hunting", "KQL", "TestSupport"],
            swiftSettings: strict),
        .testTarget(name: "huntTests", dependencies: ["hunt", "Hunting", "TestSupport"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
