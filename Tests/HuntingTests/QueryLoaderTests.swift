import Foundation
import Testing
import TestSupport

@testable import Hunting
@testable import KQL

@Suite("Query folders")
struct QueryLoaderTests {
    @Test func loadsRecursivelySortedWithStableIds() throws {
        let folder = try TemporaryFolder()
        try folder.write("persistence/New Service.kql", "// @title: svc\nDeviceEvents | take 1")
        try folder.write("execution/encoded.kql", "DeviceProcessEvents | take 1")
        try folder.write("execution/deeper/one.KQL", "DeviceInfo | take 1")
        try folder.write(".hidden/skip.kql", "DeviceInfo")
        try folder.write("notes.txt", "not a query")
        let catalog = QueryLoader().load(paths: [folder.path])
        #expect(catalog.files.map(\.id) == ["execution/deeper/one", "execution/encoded", "persistence/new-service"])
        #expect(catalog.files.map(\.path) == [
            folder.path + "/execution/deeper/one.KQL", folder.path + "/execution/encoded.kql",
            folder.path + "/persistence/New Service.kql",
        ])
        #expect(catalog.allDiagnostics.isEmpty)
        #expect(catalog.queries.count == 3)
    }

    @Test(arguments: [
        ("Persistence\\New Service.KQL", "persistence/new-service"),
        ("exfil/Größe (v2).kql", "exfil/gr--e--v2-"),
        ("e\u{301}tape.kql", "-tape"),
        ("a.b_c-d/x.kql.kql", "a.b_c-d/x.kql"),
        ("notes.txt", "notes.txt"),
    ])
    func idsAreLowercaseAsciiWithEverythingElseADash(relative: String, id: String) {
        #expect(QueryLoader.id(forRelativePath: relative) == id)
    }

    @Test func linkedFoldersAreFollowedOnceAndATrailingSlashKeepsPathsClean() throws {
        let folder = try TemporaryFolder()
        try folder.write("queries/a.kql", "DeviceInfo | take 1")
        try folder.write("queries/sub/c.kql", "DeviceInfo | take 1")
        try folder.write("shared/b.kql", "DeviceInfo | take 1")
        let queries = folder.path + "/queries"
        // A team's shared folder linked in is read; links back up the tree end the walk, and a
        // folder reached twice is read once, under its shorter path ("sub", not "team/back").
        try FileManager.default.createSymbolicLink(atPath: queries + "/team", withDestinationPath: folder.path + "/shared")
        try FileManager.default.createSymbolicLink(atPath: queries + "/loop", withDestinationPath: queries)
        try FileManager.default.createSymbolicLink(atPath: queries + "/sub/up", withDestinationPath: queries)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/shared/back", withDestinationPath: queries + "/sub")
        // A link to a file is loaded like the file.
        try FileManager.default.createSymbolicLink(atPath: queries + "/linked.kql", withDestinationPath: folder.path + "/shared/b.kql")
        let catalog = QueryLoader().load(paths: [queries + "/"])
        #expect(catalog.files.map(\.id) == ["a", "linked", "sub/c", "team/b"])
        #expect(catalog.files.map(\.path) == [
            queries + "/a.kql", queries + "/linked.kql", queries + "/sub/c.kql", queries + "/team/b.kql",
        ])
        #expect(catalog.allDiagnostics.isEmpty)
    }

    @Test func aFolderThatCannotBeReadIsAnErrorAndTheOthersStillLoad() throws {
        let folder = try TemporaryFolder()
        try folder.write("a.kql", "DeviceInfo | take 1")
        try folder.write("locked/b.kql", "DeviceInfo | take 1")
        try folder.write("open/c.kql", "DeviceInfo | take 1")
        // The tests run as root, whom permissions do not stop, so the refusal is stood in.
        let refuse: (String) -> OpaquePointer? = { $0.hasSuffix("/locked") ? nil : opendir($0) }
        let walk = QueryLoader.queryFiles(under: folder.path, openFolder: refuse)
        #expect(walk.files.map(\.relative) == ["a.kql", "open/c.kql"])
        #expect(walk.unreadableFolders == [folder.path + "/locked"])
        #expect(QueryLoader.queryFiles(under: folder.path, openFolder: { _ in nil }).unreadableFolders == [folder.path])

        // Through the loader: an error with the folder's path, and every other query still loads.
        let catalog = QueryLoader(openFolder: { $0.hasSuffix("/locked") ? nil : opendir($0) }).load(paths: [folder.path])
        #expect(catalog.diagnostics.map(\.code) == ["unreadable-folder"])
        #expect(catalog.diagnostics.first?.description.hasPrefix(folder.path + "/locked: error: ") == true)
        #expect(catalog.queries.map(\.id) == ["a", "open/c"])
        // A folder given that cannot be read is that error, not "no queries".
        let none = QueryLoader(openFolder: { _ in nil }).load(paths: [folder.path])
        #expect(none.diagnostics.map(\.code) == ["unreadable-folder"])
    }

    @Test func brokenFilesGetDiagnosticsAndNeverStopTheOthers() throws {
        let folder = try TemporaryFolder()
        try folder.write("a-good.kql", "DeviceInfo | take 1")
        try folder.write("b-empty.kql", "")
        try folder.write("c-latin1.kql", bytes: Array("// ok\nT | where x == '".utf8) + [0xE9] + Array("'\n".utf8))
        try folder.write("d-syntax.kql", "T | where x == 'open\n")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/e-dangling.kql", withDestinationPath: folder.path + "/missing")
        try folder.write("f-good.kql", "// @title: last\nDeviceInfo | take 1")
        let catalog = QueryLoader().load(paths: [folder.path])
        #expect(catalog.files.count == 6)
        #expect(catalog.queries.map(\.id) == ["a-good", "f-good"])
        let byId = Dictionary(uniqueKeysWithValues: catalog.files.map { ($0.id, $0.diagnostics) })
        #expect(byId["b-empty"]?.map(\.code) == ["empty-file"])
        let latin1 = try #require(byId["c-latin1"]?.first)
        #expect(latin1.code == "not-utf8")
        #expect(latin1.location?.line == 2)
        #expect(latin1.location?.column == 17)
        #expect(latin1.description.hasPrefix(folder.path + "/c-latin1.kql:2:17: error: "))
        #expect(byId["d-syntax"]?.map(\.code) == ["unterminated-string"])
        #expect(byId["e-dangling"]?.map(\.code) == ["unreadable-file"])
    }

    @Test func duplicateIdsAreRejected() throws {
        let folder = try TemporaryFolder()
        try folder.write("Rare Process.kql", "DeviceInfo | take 1")
        try folder.write("rare-process.kql", "DeviceInfo | take 2")
        let catalog = QueryLoader().load(paths: [folder.path])
        #expect(catalog.queries.count == 1)
        let duplicate = try #require(catalog.files.last?.diagnostics.first)
        #expect(duplicate.code == "duplicate-id")
        #expect(duplicate.message.contains("Rare Process.kql"))
    }

    @Test func filesAndMissingPathsCanBeGiven() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("x/single.kql", "DeviceInfo | take 1")
        let catalog = QueryLoader().load(paths: [file, folder.path + "/nope"])
        #expect(catalog.queries.map(\.id) == ["single"])
        #expect(catalog.diagnostics.map(\.code) == ["path-not-found"])
        #expect(catalog.diagnostics.first?.description == folder.path + "/nope: error: no such file or folder")
    }

    @Test func theStarterPackLoadsCleanly() throws {
        let catalog = QueryLoader().load(paths: [PackagePaths.queries.path])
        #expect(catalog.allDiagnostics.isEmpty, "\(catalog.allDiagnostics)")
        #expect(catalog.queries.count >= 12)
        for query in catalog.queries {
            let m = query.metadata
            #expect(!m.title.isEmpty && !m.description.isEmpty && !m.keys.isEmpty && m.owner != nil, "\(query.id)")
            // Every detection names its techniques; a triage roll-up spans many and names none.
            #expect(!m.mitre.isEmpty || m.tags.contains("triage"), "\(query.id)")
            #expect(m.timespan != nil && m.timespan! <= .days(30), "\(query.id)")
            #expect(query.parameters.allSatisfy { $0.documentation != nil }, "\(query.id)")
            #expect(query.parameter(named: "lookback") != nil, "\(query.id)")
        }
    }

    @Test func theWholePublicCorpusLoads() throws {
        let catalog = QueryLoader().load(paths: [PackagePaths.corpus.path])
        #expect(catalog.files.count == 857)
        let broken = catalog.files.filter { $0.query == nil }.map(\.id)
        #expect(broken == ["alexverboon__activedirectory.ad-sensitivegroupchanges__1"])
    }
}
