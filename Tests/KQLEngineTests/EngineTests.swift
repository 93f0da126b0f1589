import KQL
import Testing

@testable import KQLEngine

/// Engine behaviour beyond the documentation fixtures: errors, names, and the fast paths
/// agreeing with the general ones.
@Suite struct EngineTests {
    static let now = KQLDateTime(year: 2026, month: 11, day: 24)!

    static let events = KQLTable(
        schema: [("Timestamp", .datetime), ("DeviceName", .string), ("FileName", .string), ("Size", .long)],
        rows: [
            [.datetime(KQLDateTime(year: 2026, month: 11, day: 23)!), .string("pc-1"), .string("PowerShell.exe"), .long(10)],
            [.datetime(KQLDateTime(year: 2026, month: 11, day: 20)!), .string("pc-2"), .string("cmd.exe"), .long(20)],
            [.datetime(KQLDateTime(year: 2026, month: 11, day: 23, hour: 5)!), .string("pc-1"), .string("powershell.exe"), .null(.long)],
            [.datetime(KQLDateTime(year: 2026, month: 10, day: 1)!), .string("pc-3"), .string("notepad.exe"), .long(5)],
        ])

    func run(_ query: String) throws -> KQLTable {
        try KQLEngine(tables: ["Events": Self.events], now: Self.now).run(query)
    }

    func rows(_ table: KQLTable) -> [[String]] {
        (0..<table.rowCount).map { r in table.columns.map { $0[r].kqlString } }
    }

    @Test func whereAndSummarize() throws {
        let result = try run("Events | where Timestamp > ago(7d) and FileName =~ 'powershell.exe' | summarize count() by DeviceName")
        #expect(result.schema.map(\.name) == ["DeviceName", "count_"])
        #expect(rows(result) == [["pc-1", "2"]])
    }

    @Test func unsupportedFeatureNamesItsPlace() throws {
        #expect {
            try run("Events\n| evaluate autocluster()")
        } throws: { error in
            (error as? KQLEngineError)?.description == "not supported offline: evaluate autocluster (2:3)"
        }
    }

    @Test func unknownColumnSuggests() throws {
        #expect {
            try run("Events | where Devicename == 'x'")
        } throws: { error in
            (error as? KQLEngineError)?.description == "unknown column or name 'Devicename'; did you mean 'DeviceName'? (1:16)"
        }
    }

    @Test func joinRenamesClashingColumns() throws {
        let result = try run("Events | where Size > 6 | join kind=inner (Events | where Size > 6 | project DeviceName, Size) on DeviceName | project DeviceName, DeviceName1, Size1")
        #expect(result.schema.map(\.name) == ["DeviceName", "DeviceName1", "Size1"])
        #expect(Set(rows(result).map { $0[0] }) == ["pc-1", "pc-2"])
    }

    @Test func argMaxExpandsColumns() throws {
        let result = try run("Events | summarize arg_max(Timestamp, *) by DeviceName | sort by DeviceName asc")
        #expect(result.schema.map(\.name) == ["DeviceName", "Timestamp", "FileName", "Size"])
        #expect(result[0, 1] == .datetime(KQLDateTime(year: 2026, month: 11, day: 23, hour: 5)!))
        #expect(rows(result)[0][2...] == ["powershell.exe", ""])
    }

    @Test func sortDefaultsToDescending() throws {
        let result = try run("Events | sort by Size | project Size")
        #expect(rows(result).map { $0[0] } == ["20", "10", "5", ""])
    }

    @Test func letFunctionsAndScalars() throws {
        let result = try run("""
            let threshold = 6;
            let big = (n: long) { n > threshold };
            let Devices = Events | where big(Size) | distinct DeviceName;
            Devices | count
            """)
        #expect(rows(result) == [["2"]])
    }
}

extension EngineTests {
    @Test func pruningKeepsJoinRenaming() throws {
        let query = "Events | join kind=inner (Events | project DeviceName, Size) on DeviceName | project DeviceName1, Size1"
        var full = KQLEngine(tables: ["Events": Self.events], now: Self.now)
        full.pruneColumns = false
        let pruned = try run(query)
        #expect(pruned == (try full.run(query)))
        #expect(pruned.schema.map(\.name) == ["DeviceName1", "Size1"])
    }
}

extension EngineTests {
    @Test func expressionsOverAggregates() throws {
        let result = try run("Events | summarize Share = countif(FileName =~ 'powershell.exe') * 100.0 / count(), Next = count() + 1")
        #expect(result.schema.map(\.name) == ["Share", "Next"])
        #expect(result[0, 0] == .real(50))
        #expect(result[0, 1] == .long(5))
    }

    @Test func argMaxWithATargetNumbersTheClashingOutput() throws {
        // `Size = arg_max(Timestamp, Size)`: the target names the maximand, the returned Size becomes Size1.
        let result = try run("Events | summarize Size = arg_max(Timestamp, Size) by DeviceName | where DeviceName == 'pc-2'")
        #expect(result.schema.map(\.name) == ["DeviceName", "Size", "Size1"])
        #expect(result[0, 2] == .long(20))
    }

    @Test func mvExpandOfAnUnnamedCallTakesItsColumnsName() throws {
        let result = try run("print Names = 'a,b' | mv-expand split(Names, ',') | project Names = tostring(Names)")
        #expect(rows(result) == [["a"], ["b"]])
    }
}

extension EngineTests {
    @Test func octalEscapesInRegexesAreRE2s() throws {
        let result = try run(#"print a = replace_regex("a1b", @"\061", "X"), b = replace(@"\0", "", "x")"#)
        #expect(rows(result) == [["aXb", "x"]])
    }
}

extension EngineTests {
    @Test func pruningStopsAtTheOperatorThatFixesColumns() throws {
        let queries = [
            "Events | summarize n = count() by DeviceName | join kind=inner (Events | project DeviceName, FileName) on DeviceName | project DeviceName, n, FileName",
            "Events | join kind=leftouter (Events | where Size > 6) on DeviceName | summarize count() by FileName1",
            "let E = Events | where Size > 0; E | join kind=inner E on DeviceName | project DeviceName, Size, Size1",
        ]
        var full = KQLEngine(tables: ["Events": Self.events], now: Self.now)
        full.pruneColumns = false
        for query in queries {
            #expect(try run(query) == (try full.run(query)), "\(query)")
        }
    }
}

extension EngineTests {
    @Test(arguments: [
        (#"(?i)-e(nc|ncodedcommand)?\s+[A-Za-z0-9+/=]{20,}"#, "-e", true),
        (#"powershell\.exe\s+-nop"#, "powershell.exe", false),
        (#"ab?cd"#, "cd", false),
        (#"a(b|c)d"#, nil, false),
        (#"abc|def"#, nil, false),
        (#"x{0,3}yz+"#, "yz", false),
        (#"[a-z]+\d{3}"#, nil, false),
        (#"\\temp\\"#, "\\temp\\", false),
        (#"(?x) a b c"#, nil, false),
        (#"ab(?:cd)?efg"#, "efg", false),
    ] as [(String, String?, Bool)])
    func regexPrefilterFindsOnlyRequiredText(pattern: String, literal: String?, ignoreCase: Bool) {
        let found = RegexPrefilter.requiredLiteral(pattern)
        if let literal, literal.count >= 2 {
            #expect(found?.text == literal)
            #expect(found?.ignoreCase == ignoreCase)
        } else {
            #expect(found == nil)
        }
    }

    @Test func matchesRegexWithAPrefilterAgreesWithoutOne() throws {
        let result = try run(#"Events | where FileName matches regex @"(?i)POWER\w+\.exe" | count"#)
        #expect(rows(result) == [["2"]])
    }
}
