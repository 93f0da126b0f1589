import Foundation
import Testing
import TestSupport

@testable import KQL

@Suite("Parser: expressions")
struct ParserExpressionTests {
    /// Expression text and its fully parenthesized shape: `(op left right)`, `{…}` for written
    /// parentheses, `[…]` for lists, `(. base member)`, `([] base index)`.
    static let shapes: [(String, String)] = [
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a or b or c", "(or (or a b) c)"),
        ("a == 1 and b != 2", "(and (== a 1) (!= b 2))"),
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c % d", "(+ (* a b) (% c d))"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("-a * b", "(* (- a) b)"),
        ("- -a", "(- (- a))"),
        ("a - -1", "(- a (- 1))"),
        ("a < b == true", "(== (< a b) true)"),
        ("a + 1 > b * 2", "(> (+ a 1) (* b 2))"),
        ("(a or b) and c", "(and {(or a b)} c)"),
        ("a =~ 'x' or b !~ 'y'", "(or (=~ a 'x') (!~ b 'y'))"),
        ("a has 'x' and b !has 'y'", "(and (has a 'x') (!has b 'y'))"),
        ("a contains_cs 'x' or a !contains_cs 'y'", "(or (contains_cs a 'x') (!contains_cs a 'y'))"),
        ("a startswith 'x' and a !endswith 'y'", "(and (startswith a 'x') (!endswith a 'y'))"),
        ("a hasprefix 'x' or a hassuffix_cs 'y'", "(or (hasprefix a 'x') (hassuffix_cs a 'y'))"),
        ("a matches regex @'\\d+' and b", "(and (matches regex a @'\\d+') b)"),
        ("a like 'x%'", "(like a 'x%')"),
        ("a in ('x', 'y') and b", "(and (in a ['x', 'y']) b)"),
        ("a !in (1)", "(!in a [1])"),
        ("a in~ ('x')", "(in~ a ['x'])"),
        ("a !in~ ('x', 'y')", "(!in~ a ['x', 'y'])"),
        ("a has_any (list)", "(has_any a [list])"),
        ("a has_all ('x', 'y')", "(has_all a ['x', 'y'])"),
        ("a has_any (dynamic(['x']))", "(has_any a [dynamic(['x'])])"),
        ("a in (T | project b)", "(in a [<T | project b>])"),
        ("x between (1 .. 10) and y", "(and (between x 1 10) y)"),
        ("x !between (ago(1d) .. now())", "(!between x ago(1d) now())"),
        ("a + 1 between (1 .. 2)", "(between (+ a 1) 1 2)"),
        // Found by the kql-parser fuzzer: the printer wrapped the comparison in parentheses,
        // which then read back as a different tree.
        ("a == b between (1 .. 2)", "(between (== a b) 1 2)"),
        ("a between (1 .. 2) between (3 .. 4)", "(between (between a 1 2) 3 4)"),
        ("T !in~ x > y", "(> (!in~ T x) y)"),
        ("a in (1, 2) * 3", "(* (in a [1, 2]) 3)"),
        ("a between (1 .. 2) + 1", "(+ (between a 1 2) 1)"),
        ("a == b in (1) < c", "(< (in (== a b) [1]) c)"),
        ("$left.A == $right.B", "(== (. $left A) (. $right B))"),
        ("a.b.c['d'][0]", "([] ([] (. (. a b) c) 'd') 0)"),
        ("a ['b']", "([] a 'b')"),
        ("a[-1]", "([] a (- 1))"),
        ("a.['b c']", "(. a b c)"),
        ("parse_json(x).y", "(. parse_json(x) y)"),
        ("split(x, '/')[0]", "([] split(x, '/') 0)"),
        ("['a b'] == 1", "(== [a b] 1)"),
        ("f(x, y = 2)", "f(x, y=2)"),
        ("bag_unpack(x, columnsConflict='keep_source')", "bag_unpack(x, columnsConflict='keep_source')"),
        ("arg_max(Timestamp, *)", "arg_max(Timestamp, *)"),
        ("not(a == b)", "not((== a b))"),
        ("case(a, 1, b, 2, 3)", "case(a, 1, b, 2, 3)"),
        ("toscalar(T | summarize count())", "toscalar(<T | summarize count()>)"),
        ("count()", "count()"),
        ("iif(a, 1, 2)", "iff(a, 1, 2)"),
        ("makeset(x)", "make_set(x)"),
        ("datetime(2024-01-01) + 1d", "(+ datetime(2024-01-01) 1d)"),
        ("dynamic({\"a\": [1, 2]})", "dynamic({\"a\": [1, 2]})"),
        ("\"a\" 'b'", "\"a\" 'b'"),
        ("1000. * x", "(* 1000. x)"),
        ("typeof(string)", "typeof(string)"),
        ("cluster('c').database('d').T", "(. cluster('c').database('d') T)"),
    ]

    @Test(arguments: shapes)
    func shape(text: String, expected: String) throws {
        let (expression, diagnostics) = KQLParser.parseExpression(text)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
        let parsed = try #require(expression)
        #expect(Shape.of(parsed) == expected)
        // Printing gives text that reads back as the same tree.
        let printed = KQLPrinter.print(parsed)
        #expect(KQLParser.parseExpression(printed).expression == parsed, "\(printed)")
    }

    @Test func adjacentStringsAreOneLiteral() throws {
        let expression = try #require(KQLParser.parseExpression("\"ab\" 'cd' @\"e\\f\"").expression)
        guard case .literal(let literal) = expression.kind else { Issue.record("not a literal"); return }
        #expect(literal.value == .string("abcde\\f"))
    }

    @Test func realWithTrailingDot() throws {
        let expression = try #require(KQLParser.parseExpression("1000.").expression)
        guard case .literal(let literal) = expression.kind else { Issue.record("not a literal"); return }
        #expect(literal.value == .real(1000))
    }

    @Test(arguments: [
        ("iif", "iff"), ("makeset", "make_set"), ("makelist", "make_list"), ("argmax", "arg_max"),
        ("argmin", "arg_min"), ("parsejson", "parse_json"), ("extractjson", "extract_json"), ("any", "take_any"),
        ("todynamic", "todynamic"), ("make_set", "make_set"),
    ])
    func deprecatedFunctionAliases(spelling: String, modern: String) throws {
        let expression = try #require(KQLParser.parseExpression("\(spelling)(x)").expression)
        guard case .call(let call) = expression.kind else { Issue.record("not a call"); return }
        #expect(call.name == modern)
        #expect(call.callee.name == spelling)
        #expect(call.usesDeprecatedAlias == (spelling != modern))
        #expect(KQLPrinter.print(expression) == "\(spelling)(x)")
    }

    @Test(arguments: [
        ("a notcontains 'x'", BinaryOperator.notContains, "notcontains"),
        ("a containscs 'x'", .containsCS, "containscs"),
        ("a <> b", .notEqual, "<>"),
        ("a !contains 'x'", .notContains, nil),
    ] as [(String, BinaryOperator, String?)])
    func deprecatedOperatorSpellings(text: String, op: BinaryOperator, spelling: String?) throws {
        let expression = try #require(KQLParser.parseExpression(text).expression)
        guard case .binary(let parsedOp, _, _, let parsedSpelling) = expression.kind else {
            Issue.record("not binary")
            return
        }
        #expect(parsedOp == op)
        #expect(parsedSpelling == spelling)
    }

    @Test func rangesCoverTheirText() throws {
        let source = "T | where  a.b == f(1, 2)"
        let query = try ParseHelper.query(source)
        guard case .where(let predicate) = query.operators[0].kind,
            case .binary(_, let left, let right, _) = predicate.kind
        else {
            Issue.record("unexpected shape")
            return
        }
        let bytes = Array(source.utf8)
        func text(_ range: SourceRange) -> String { String(decoding: bytes[range.offsets], as: UTF8.self) }
        #expect(text(predicate.range) == "a.b == f(1, 2)")
        #expect(text(left.range) == "a.b")
        #expect(text(right.range) == "f(1, 2)")
        #expect(text(query.operators[0].range) == "where  a.b == f(1, 2)")
        #expect(text(query.range) == source)
        #expect(predicate.range.start == KQL.SourceLocation(offset: 11, line: 1, column: 12))
    }

    @Test func equalityIgnoresRanges() {
        let a = KQLParser.parse("T | where x == 1").script
        let b = KQLParser.parse("T\n|   where   x==1 // c").script
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != KQLParser.parse("T | where x == 2").script)
    }
}

@Suite("Parser: statements")
struct ParserStatementTests {
    @Test func letStatements() throws {
        let script = ParseHelper.clean(
            """
            let lookback = 7d;
            let names = dynamic(['a', 'b']);
            let recent = DeviceEvents | where Timestamp > ago(lookback);
            let alias = DeviceEvents;
            let counted = toscalar(DeviceEvents | count);
            recent | where FileName in (names)
            """)
        #expect(script.statements.count == 6)
        guard case .let(let first) = script.statements[0].kind, case .expression(let value) = first.value else {
            Issue.record("first is not a scalar let")
            return
        }
        #expect(first.name.name == "lookback")
        #expect(Shape.of(value) == "7d")
        guard case .let(let third) = script.statements[2].kind, case .tabular(let tabular) = third.value else {
            Issue.record("third is not a tabular let")
            return
        }
        #expect(tabular.operators.map(\.name) == ["where"])
        guard case .let(let fourth) = script.statements[3].kind, case .expression(let name) = fourth.value else {
            Issue.record("fourth is not an expression let")
            return
        }
        #expect(name.asName?.name == "DeviceEvents")
        guard case .query = script.statements[5].kind else {
            Issue.record("last is not a query")
            return
        }
    }

    @Test func functionWithTypedParametersAndDefaults() throws {
        let script = ParseHelper.clean(
            """
            let f = (T:(DeviceId:string, *), name:string, limit:long = 10, since:datetime = datetime(null), any:(*)) {
                let x = 1;
                T | where DeviceName == name | take limit
            };
            let v = view () { DeviceInfo | take 1 };
            f(DeviceEvents, 'x')
            """)
        guard case .let(let binding) = script.statements[0].kind, case .function(let function) = binding.value else {
            Issue.record("not a function")
            return
        }
        #expect(!function.isView)
        #expect(function.parameters.map(\.name.name) == ["T", "name", "limit", "since", "any"])
        guard case .tabular(let schema) = function.parameters[0].type else {
            Issue.record("T is not tabular")
            return
        }
        #expect(schema.columns.map(\.name.name) == ["DeviceId"])
        #expect(schema.isOpen)
        #expect(function.parameters[1].type == .scalar(Identifier("string")))
        #expect(function.parameters[2].defaultValue.map(Shape.of) == "10")
        guard case .tabular(let any) = function.parameters[4].type else {
            Issue.record("any is not tabular")
            return
        }
        #expect(any.columns.isEmpty && any.isOpen)
        #expect(function.body.count == 2)
        guard case .let(let view) = script.statements[1].kind, case .function(let viewFunction) = view.value else {
            Issue.record("not a view")
            return
        }
        #expect(viewFunction.isView && viewFunction.parameters.isEmpty)
    }

    @Test func setAndDeclare() throws {
        let script = ParseHelper.clean(
            """
            set notruncation;
            set query_now = datetime(2024-01-01);
            declare query_parameters(since:timespan = 7d, device:string);
            DeviceEvents | where Timestamp > ago(since)
            """)
        guard case .set(let flag) = script.statements[0].kind, case .set(let option) = script.statements[1].kind else {
            Issue.record("not set statements")
            return
        }
        #expect(flag.name.name == "notruncation" && flag.value == nil)
        #expect(option.value.map(Shape.of) == "datetime(2024-01-01)")
        guard case .declareQueryParameters(let parameters) = script.statements[2].kind else {
            Issue.record("not declare")
            return
        }
        #expect(parameters.map(\.name.name) == ["since", "device"])
        #expect(parameters[0].defaultValue.map(Shape.of) == "7d")
    }

    @Test func severalQueriesAndEmptyStatements() {
        let script = ParseHelper.clean("T | take 1;; U | count;\n")
        #expect(script.queries.count == 2)
    }

    @Test func commentsEverywhere() throws {
        let query = try ParseHelper.query(
            """
            // leading
            DeviceEvents // after the table
            // between
            | where "x" == "x" // trailing
            | project // before the columns
                A, // one
                B = dynamic([1, // inside a literal
                  2]) // two
            // at the end
            """)
        #expect(query.operators.map(\.name) == ["where", "project"])
        let parsed = KQLParser.parse("T // x\n| take 1 // y")
        #expect(parsed.comments.map(\.text) == ["// x", "// y"])
    }

    @Test func bracketedNames() throws {
        let query = try ParseHelper.query("['My Table'] | extend ['a b'] = 1 | project-rename [\"c\"] = ['a b']")
        guard case .expression(let source)? = query.source else {
            Issue.record("no source")
            return
        }
        #expect(source.asName == Identifier("My Table", isBracketed: true))
        #expect(ParseHelper.roundTrips(ParseHelper.clean("['My Table'] | extend ['a b'] = 1")).ok)
    }

    @Test func unicodeWhitespaceAndCRLF() throws {
        let query = try ParseHelper.query("\u{200B}DeviceEvents\r\n|\u{00A0}where\u{202F}x == 1\r\n| take 1")
        #expect(query.operators.map(\.name) == ["where", "take"])
    }
}

@Suite("Parser: tabular operators")
struct ParserOperatorTests {
    /// One query per operator, with the names of its operators in order.
    static let operators: [(String, [String])] = [
        ("T | where a == 1 | filter b", ["where", "filter"]),
        ("T | project a, b = c + 1, (d, e) = f(x)", ["project"]),
        ("T | project-away a, b*, *Id", ["project-away"]),
        ("T | project-keep a*, b", ["project-keep"]),
        ("T | project-rename New = Old, ['x y'] = z", ["project-rename"]),
        ("T | project-reorder a asc, b*, c desc, d granny-asc", ["project-reorder"]),
        ("T | extend a = 1, b = tostring(c)", ["extend"]),
        ("T | summarize count(), Devices = dcount(DeviceId) by bin(Timestamp, 1h), DeviceName", ["summarize"]),
        ("T | summarize by DeviceName", ["summarize"]),
        ("T | summarize hint.strategy=shuffle arg_max(Timestamp, *) by DeviceId", ["summarize"]),
        ("T | join kind=leftouter hint.strategy=broadcast (U | where x) on DeviceId", ["join"]),
        ("T | join U on $left.A == $right.B, C", ["join"]),
        ("T | join kind=inner hint.remote=auto (U) on $left.A == $right.B and $left.C == $right.D", ["join"]),
        ("T | lookup kind=leftouter (U) on DeviceId", ["lookup"]),
        ("T | union kind=outer withsource=Source isfuzzy=true U, (V | take 1), Device*", ["union"]),
        ("T | distinct a, b", ["distinct"]),
        ("T | distinct *", ["distinct"]),
        ("T | top 10 by Timestamp desc nulls last", ["top"]),
        ("T | top-nested 3 of A by count(), top-nested 2 of B with others = 'other' by sum(x) desc", ["top-nested"]),
        ("T | sort by a asc, b desc nulls first | order by c", ["sort", "order"]),
        ("T | take 10 | limit 5", ["take", "limit"]),
        ("T | count", ["count"]),
        ("T | mv-expand a, b to typeof(string) limit 10", ["mv-expand"]),
        ("T | mv-expand bagexpansion=array with_itemindex=i x = parse_json(y)", ["mv-expand"]),
        ("T | mvexpand a", ["mvexpand"]),
        ("T | mv-apply x to typeof(long) on (summarize m = max(x))", ["mv-apply"]),
        ("T | mv-apply with_itemindex=i e = arr limit 5 on (top 1 by e | project e)", ["mv-apply"]),
        ("T | parse Text with * \"user \" User:string \" \" Rest", ["parse"]),
        ("T | parse kind=regex flags=Ui Text with @\"(\\d+)\" Number:long", ["parse"]),
        ("T | parse kind=relaxed Text with a \"-\" b", ["parse"]),
        ("T | parse-where Text with \"x=\" X:long", ["parse-where"]),
        ("T | parse-kv Text as (a:string, ['b c']:long) with (pair_delimiter=' ', kv_delimiter='=', quote='\"')", ["parse-kv"]),
        ("T | evaluate bag_unpack(AdditionalFields)", ["evaluate"]),
        ("T | evaluate hint.distribution=per_node pivot(Col, count(), Other)", ["evaluate"]),
        ("T | evaluate bag_unpack(AF, columnsConflict='keep_source') : (a:string, b:long)", ["evaluate"]),
        ("T | make-series n = count() default = 0 on Timestamp from ago(7d) to now() step 1h by DeviceId", ["make-series"]),
        ("T | make-series kind=nonempty avg(x) on Timestamp in range(ago(1d), now(), 1h)", ["make-series"]),
        ("T | make-series count() on Timestamp step 1d", ["make-series"]),
        ("T | render timechart", ["render"]),
        ("T | render columnchart with (kind=stacked, ycolumns=a, b, title='x')", ["render"]),
        ("T | render timechart kind=unstacked title='legacy'", ["render"]),
        ("T | invoke FileProfile()", ["invoke"]),
        ("T | invoke SeenBy(SHA1, 1000)", ["invoke"]),
        ("T | as hint.materialized=true Cached", ["as"]),
        ("T | serialize | serialize rn = row_number()", ["serialize", "serialize"]),
        ("T | getschema", ["getschema"]),
        ("T | sample 10", ["sample"]),
        ("T | sample-distinct 5 of DeviceName", ["sample-distinct"]),
        ("T | partition hint.strategy=native by DeviceId (top 1 by Timestamp)", ["partition"]),
        ("T | partition by DeviceId { U | where DeviceId == toscalar(1) }", ["partition"]),
        ("T | fork (where a | take 1) (summarize count()) named=(take 2)", ["fork"]),
        ("T | facet by a, b with (where x | take 5)", ["facet"]),
        ("T | search \"administrator\"", ["search"]),
        ("T | search kind=case_sensitive Col has 'x'", ["search"]),
        ("T | scan with_match_id=m declare (x:long) with (step s1: a == 1 => x = 1; step s2: a == 2;)", ["scan"]),
        ("T | top-hitters 5 of DeviceName", ["top-hitters"]),
        ("T | reduce by Text with threshold=0.1", ["reduce"]),
    ]

    @Test(arguments: operators)
    func operatorParsesAndRoundTrips(text: String, names: [String]) throws {
        let query = try ParseHelper.query(text)
        #expect(query.operators.map(\.name) == names)
        let roundTrip = ParseHelper.roundTrips(ParseHelper.clean(text))
        #expect(roundTrip.ok, "\(roundTrip.printed)")
    }

    /// Queries that start with a source operator, and its name.
    static let sources: [(String, String)] = [
        ("union DeviceEvents, DeviceFileEvents | where x", "union"),
        ("union withsource=Table Device*", "union"),
        ("union (DeviceEvents | take 1), (DeviceFileEvents)", "union"),
        ("datatable(a:string, b:long) ['x', 1, 'y', 2]", "datatable"),
        ("datatable(a:string) ['only']", "datatable"),
        ("datatable(a:dynamic) [dynamic({'k': 1}), dynamic(null),]", "datatable"),
        ("externaldata(Sha256:string) [@\"https://example.com/a.csv\"] with (format='csv', ignoreFirstRecord=true)", "externaldata"),
        ("externaldata(x:string) [h@'https://example.com/s']", "externaldata"),
        ("range x from 1 to 10 step 1", "range"),
        ("print a = 1, b = 'x'", "print"),
        ("search in (DeviceProcessEvents, DeviceEvents) \"mimikatz\"", "search"),
        ("find in (DeviceFileEvents, Device*) where SHA1 == 'x' project-smart", "find"),
        ("find withsource=Source where FileName has 'x' project FileName, Timestamp", "find"),
        ("evaluate python(typeof(*), 'code')", "evaluate"),
    ]

    @Test(arguments: sources)
    func sourceOperator(text: String, name: String) throws {
        let query = try ParseHelper.query(text)
        guard case .operator(let op)? = query.source else {
            Issue.record("no source operator in \(text)")
            return
        }
        #expect(op.name == name)
        let roundTrip = ParseHelper.roundTrips(ParseHelper.clean(text))
        #expect(roundTrip.ok, "\(roundTrip.printed)")
    }

    @Test func joinStructure() throws {
        let op = try ParseHelper.lastOperator(
            "T | join kind=leftouter hint.strategy=shuffle (U | where x > 1) on $left.DeviceId == $right.Id, Name")
        guard case .join(let join) = op.kind else {
            Issue.record("not a join")
            return
        }
        #expect(op.parameters.map(\.name) == ["kind", "hint.strategy"])
        #expect(op.parameter("kind").map(Shape.of) == "leftouter")
        #expect(Shape.of(join.right) == "{<U | where x > 1>}")
        #expect(join.conditions.map(Shape.of) == ["(== (. $left DeviceId) (. $right Id))", "Name"])
    }

    @Test func summarizeStructure() throws {
        let op = try ParseHelper.lastOperator("T | summarize n = count(), make_set(x) by bin(Timestamp, 1d), D = DeviceName")
        guard case .summarize(let summarize) = op.kind else {
            Issue.record("not summarize")
            return
        }
        #expect(summarize.aggregates.map { Shape.of($0.expression) } == ["count()", "make_set(x)"])
        #expect(summarize.aggregates[0].target == .name(Identifier("n")))
        #expect(summarize.groups.map { Shape.of($0.expression) } == ["bin(Timestamp, 1d)", "DeviceName"])
        #expect(summarize.groups[1].target == .name(Identifier("D")))
    }

    @Test func tupleAssignment() throws {
        let op = try ParseHelper.lastOperator("T | extend (a, b) = f(x), c = 1")
        guard case .extend(let columns) = op.kind else {
            Issue.record("not extend")
            return
        }
        #expect(columns[0].target == .tuple([Identifier("a"), Identifier("b")]))
        #expect(columns[1].target == .name(Identifier("c")))
    }

    @Test func parsePattern() throws {
        let op = try ParseHelper.lastOperator("T | parse kind=regex flags=U Text with * \"user \" User:string \" \" Rest")
        guard case .parse(let parse) = op.kind else {
            Issue.record("not parse")
            return
        }
        #expect(op.parameters.map(\.name) == ["kind", "flags"])
        #expect(Shape.of(parse.source) == "Text")
        #expect(parse.pattern.count == 5)
        #expect(parse.pattern[0] == .wildcard)
        #expect(parse.pattern[2] == .column(Identifier("User"), type: Identifier("string")))
        #expect(parse.pattern[4] == .column(Identifier("Rest"), type: nil))
    }

    @Test func mvExpandAndMvApply() throws {
        let expand = try ParseHelper.lastOperator("T | mv-expand with_itemindex=i a = b to typeof(string), c limit 3")
        guard case .mvExpand(let items) = expand.kind else {
            Issue.record("not mv-expand")
            return
        }
        #expect(items.items.count == 2)
        #expect(items.items[0].type?.name == "string")
        #expect(items.limit.map(Shape.of) == "3")
        let apply = try ParseHelper.lastOperator("T | mv-apply x on (where x > 1 | summarize count())")
        guard case .mvApply(let mvApply) = apply.kind else {
            Issue.record("not mv-apply")
            return
        }
        #expect(mvApply.subquery.source == nil)
        #expect(mvApply.subquery.operators.map(\.name) == ["where", "summarize"])
    }

    @Test func makeSeriesStructure() throws {
        let op = try ParseHelper.lastOperator(
            "T | make-series n = count() default = 0, avg(x) on Timestamp from ago(7d) to now() step 1h by DeviceId")
        guard case .makeSeries(let series) = op.kind else {
            Issue.record("not make-series")
            return
        }
        #expect(series.aggregates.count == 2)
        #expect(series.aggregates[0].defaultValue.map(Shape.of) == "0")
        #expect(Shape.of(series.axis) == "Timestamp")
        #expect(series.from.map(Shape.of) == "ago(7d)")
        #expect(series.step.map(Shape.of) == "1h")
        #expect(series.groups.count == 1)
    }

    @Test func renderStructure() throws {
        let op = try ParseHelper.lastOperator("T | render columnchart with (kind=stacked, ycolumns=a, b, title='x')")
        guard case .render(let render) = op.kind else {
            Issue.record("not render")
            return
        }
        #expect(render.visualization.name == "columnchart")
        #expect(render.properties.map(\.name.name) == ["kind", "ycolumns", "title"])
        #expect(render.properties[1].values.count == 2)
    }

    @Test func topNestedStructure() throws {
        let op = try ParseHelper.lastOperator("T | top-nested 3 of A by count(), top-nested of B with others = 0 by sum(x) desc")
        guard case .topNested(let clauses) = op.kind else {
            Issue.record("not top-nested")
            return
        }
        #expect(clauses.count == 2)
        #expect(clauses[0].count.map(Shape.of) == "3")
        #expect(clauses[1].count == nil)
        #expect(clauses[1].withOthers.map(Shape.of) == "0")
        #expect(clauses[1].order == .descending)
    }

    @Test func deprecatedOperatorNames() throws {
        let op = try ParseHelper.lastOperator("T | mvexpand x")
        #expect(op.name == "mvexpand")
        #expect(op.canonicalName == "mv-expand")
        guard case .mvExpand = op.kind else {
            Issue.record("mvexpand is not mv-expand")
            return
        }
        let printed = KQLPrinter.print(ParseHelper.clean("T | mvexpand x"))
        #expect(printed == "T\n| mvexpand x")
    }

    @Test func printerLayout() {
        let script = ParseHelper.clean("let x=1;let T2=T|where a>x ;T2|  summarize   count() by b|join(U)on b")
        #expect(
            KQLPrinter.print(script) == """
                let x = 1;
                let T2 = T
                | where a > x;
                T2
                | summarize count() by b
                | join (U) on b
                """)
    }

    @Test func printerParenthesizesBuiltTrees() {
        // a * (b + c), built by code without a parenthesized node.
        let sum = Expression(.binary(.add, Expression(.name(Identifier("b"))), Expression(.name(Identifier("c"))), spelling: nil))
        let product = Expression(.binary(.multiply, Expression(.name(Identifier("a"))), sum, spelling: nil))
        #expect(KQLPrinter.print(product) == "a * (b + c)")
        let negated = Expression(.unary(.minus, sum))
        #expect(KQLPrinter.print(negated) == "-(b + c)")
        let chained = Expression(.binary(.subtract, Expression(.name(Identifier("a"))), sum, spelling: nil))
        #expect(KQLPrinter.print(chained) == "a - (b + c)")
    }
}
