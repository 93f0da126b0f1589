import Foundation
import KQL
import Synchronization

/// Datetime and timespan functions: `now`, `ago`, the `startof…`/`endof…` family, calendar parts,
/// `datetime_add`, `datetime_diff`, `format_datetime`, `format_timespan`, `make_datetime`,
/// `make_timespan` and the Unix-time conversions. Weeks start on Sunday, as in Kusto.
enum DateTimeFunctions {
    static let all: [ScalarFunction] = clock + boundaries + parts + arithmetic + formatting + construction

    // MARK: now and ago

    static let clock: [ScalarFunction] = [
        ScalarFunction("now", arity: 0...1, returns: .datetime) { args, context throws(KQLFunctionError) in
            guard let offset = args.isEmpty ? KQLTimespan(ticks: 0) : try Arguments.timespan(args[0], "now") else {
                return .null(.datetime)
            }
            return DateMath.datetime(context.now.ticks.addingReportingOverflow(offset.ticks))
        },
        ScalarFunction.unary("ago", returns: .datetime) { value, context throws(KQLFunctionError) in
            guard let span = try Arguments.timespan(value, "ago") else { return .null(.datetime) }
            return DateMath.datetime(context.now.ticks.subtractingReportingOverflow(span.ticks))
        },
    ]

    // MARK: startof… and endof…

    static let boundaries: [ScalarFunction] = {
        var functions: [ScalarFunction] = []
        for unit in DateMath.Unit.allCases {
            functions.append(boundary("startof\(unit.rawValue)", unit, end: false))
            functions.append(boundary("endof\(unit.rawValue)", unit, end: true))
        }
        return functions
    }()

    /// `startofday(date [, offset])` and the like: the start of the unit containing `date`,
    /// `offset` units later; `endof…` is one tick before the next start.
    static func boundary(_ name: String, _ unit: DateMath.Unit, end: Bool) -> ScalarFunction {
        ScalarFunction(name, arity: 1...2, returns: .datetime) { args, _ throws(KQLFunctionError) in
            guard let date = try Arguments.datetime(args[0], name) else { return .null(.datetime) }
            var offset: Int64 = 0
            if args.count == 2 {
                guard let n = try Arguments.integer(args[1], name) else { return .null(.datetime) }
                offset = n
            }
            let (next, overflow) = offset.addingReportingOverflow(end ? 1 : 0)
            guard !overflow, let start = DateMath.start(of: unit, containing: date, offset: next) else {
                return .null(.datetime)
            }
            return end ? DateMath.datetime((start - 1, false)) : DateMath.datetime((start, false))
        }
    }

    // MARK: Calendar parts

    static let parts: [ScalarFunction] = {
        func part(_ name: String, _ body: @escaping @Sendable (KQLDateTime) -> Int) -> ScalarFunction {
            ScalarFunction.unary(name, returns: .int) { value, _ throws(KQLFunctionError) in
                guard let date = try Arguments.datetime(value, name) else { return .null(.int) }
                return .int(Int32(body(date)))
            }
        }
        let month = part("getmonth") { $0.components.month }
        return [
            part("getyear") { $0.components.year },
            month, month.renamed("monthofyear"),
            part("dayofmonth") { $0.components.day },
            part("dayofyear") { DateMath.dayOfYear($0) },
            part("hourofday") { $0.components.hour },
            part("week_of_year") { DateMath.isoWeek($0) },
            ScalarFunction.unary("dayofweek", returns: .timespan) { value, _ throws(KQLFunctionError) in
                guard let date = try Arguments.datetime(value, "dayofweek") else { return .null(.timespan) }
                return .timespan(.days(Int64(DateMath.weekday(date))))
            },
            ScalarFunction("datetime_part", arity: 2...2, returns: .int) { args, _ throws(KQLFunctionError) in
                guard let date = try Arguments.datetime(args[1], "datetime_part") else { return .null(.int) }
                let c = date.components
                let value: Int
                switch Arguments.string(args[0]).lowercased() {
                case "year": value = c.year
                case "quarter": value = (c.month - 1) / 3 + 1
                case "month": value = c.month
                case "week_of_year": value = DateMath.isoWeek(date)
                case "day": value = c.day
                case "dayofyear": value = DateMath.dayOfYear(date)
                case "hour": value = c.hour
                case "minute": value = c.minute
                case "second": value = c.second
                case "millisecond": value = Int(c.fractionTicks / 10_000)
                case "microsecond": value = Int(c.fractionTicks / 10)
                case "nanosecond": value = Int(c.fractionTicks * 100)
                case "weekofyear":
                    throw KQLFunctionError("datetime_part(\"weekofyear\") (obsolete, not ISO 8601)", unsupported: true)
                case let other: throw KQLFunctionError("datetime_part(): unknown part '\(other)'")
                }
                return .int(Int32(value))
            },
        ]
    }()

    // MARK: datetime_add and datetime_diff

    static let arithmetic: [ScalarFunction] = [
        ScalarFunction("datetime_add", arity: 3...3, returns: .datetime) { args, _ throws(KQLFunctionError) in
            let period = try DateMath.Period(Arguments.string(args[0]), "datetime_add")
            guard let amount = try Arguments.integer(args[1], "datetime_add"),
                let date = try Arguments.datetime(args[2], "datetime_add")
            else { return .null(.datetime) }
            return DateMath.add(period, amount, to: date).map(KQLValue.datetime) ?? .null(.datetime)
        },
        ScalarFunction("datetime_diff", arity: 3...3, returns: .long) { args, _ throws(KQLFunctionError) in
            let period = try DateMath.Period(Arguments.string(args[0]), "datetime_diff")
            guard let first = try Arguments.datetime(args[1], "datetime_diff"),
                let second = try Arguments.datetime(args[2], "datetime_diff")
            else { return .null(.long) }
            return .long(DateMath.difference(period, first, second))
        },
    ]

    // MARK: Formatting

    static let formatting: [ScalarFunction] = [
        ScalarFunction("format_datetime", arity: 2...2, returns: .string) { args, _ throws(KQLFunctionError) in
            guard let date = try Arguments.datetime(args[0], "format_datetime") else { return .string("") }
            return .string(try DateFormat.format(date, Arguments.string(args[1])))
        },
        ScalarFunction("format_timespan", arity: 2...2, returns: .string) { args, _ throws(KQLFunctionError) in
            guard let span = try Arguments.timespan(args[0], "format_timespan") else { return .string("") }
            return .string(try DateFormat.format(span, Arguments.string(args[1])))
        },
    ]

    // MARK: Construction

    static let construction: [ScalarFunction] = [
        ScalarFunction("make_datetime", arity: 3...6, returns: .datetime) { args, _ throws(KQLFunctionError) in
            guard args.count != 4 else {
                throw KQLFunctionError("make_datetime() with 4 arguments (documented: 3, 5 or 6)", unsupported: true)
            }
            var fields: [Int64] = []
            for arg in args.prefix(5) {
                guard let n = try Arguments.integer(arg, "make_datetime") else { return .null(.datetime) }
                fields.append(n)
            }
            var secondTicks: Int64 = 0
            if args.count == 6 {
                guard let seconds = try Arguments.real(args[5], "make_datetime") else { return .null(.datetime) }
                guard seconds >= 0, seconds < 60 else { return .null(.datetime) }
                secondTicks = Int64((seconds * 1e7).rounded())
            }
            while fields.count < 5 { fields.append(0) }
            guard fields.allSatisfy({ abs($0) < 100_000 }), secondTicks < 60 * KQLTimespan.second,
                let date = KQLDateTime(
                    year: Int(fields[0]), month: Int(fields[1]), day: Int(fields[2]), hour: Int(fields[3]),
                    minute: Int(fields[4]), second: Int(secondTicks / KQLTimespan.second),
                    fractionTicks: secondTicks % KQLTimespan.second)
            else { return .null(.datetime) }
            return .datetime(date)
        },
        ScalarFunction("make_timespan", arity: 1...4, returns: .timespan) { args, _ throws(KQLFunctionError) in
            guard args.count >= 2 else {
                throw KQLFunctionError("make_timespan() with 1 argument (documented: 2 to 4)", unsupported: true)
            }
            var days: Int64 = 0
            var rest = args[...]
            if args.count == 4 {
                guard let d = try Arguments.integer(args[0], "make_timespan") else { return .null(.timespan) }
                guard d >= 0 else { throw KQLFunctionError("make_timespan() with negative days", unsupported: true) }
                days = d
                rest = args.dropFirst()
            }
            let items = Array(rest)
            guard let hours = try Arguments.integer(items[0], "make_timespan"),
                let minutes = try Arguments.integer(items[1], "make_timespan")
            else { return .null(.timespan) }
            var seconds = 0.0
            if items.count == 3 {
                guard let s = try Arguments.real(items[2], "make_timespan") else { return .null(.timespan) }
                seconds = s
            }
            guard (0...23).contains(hours), (0...59).contains(minutes), seconds >= 0, seconds < 60, days < 10_675_199
            else { return .null(.timespan) }
            let secondTicks = Int64((seconds * 1e7).rounded())
            return .timespan(
                KQLTimespan(ticks: days * KQLTimespan.day + hours * KQLTimespan.hour + minutes * KQLTimespan.minute + secondTicks))
        },
        unixTime("unixtime_seconds_todatetime", ticksPerUnit: KQLTimespan.second),
        unixTime("unixtime_milliseconds_todatetime", ticksPerUnit: KQLTimespan.millisecond),
        unixTime("unixtime_microseconds_todatetime", ticksPerUnit: KQLTimespan.microsecond),
        unixTime("unixtime_nanoseconds_todatetime", ticksPerUnit: 0),
    ]

    /// `unixtime_…_todatetime(n)`: `ticksPerUnit` 0 stands for nanoseconds (a hundredth of a tick).
    static func unixTime(_ name: String, ticksPerUnit: Int64) -> ScalarFunction {
        ScalarFunction.unary(name, returns: .datetime) { value, _ throws(KQLFunctionError) in
            let ticks: Int64
            switch Arguments.unwrap(value) {
            case .int(let n): ticks = ticksPerUnit == 0 ? Int64(n) / 100 : Int64(n) * ticksPerUnit
            case .long(let n):
                if ticksPerUnit == 0 {
                    ticks = n / 100
                } else {
                    let (product, overflow) = n.multipliedReportingOverflow(by: ticksPerUnit)
                    guard !overflow else { return .null(.datetime) }
                    ticks = product
                }
            default:
                guard let n = try Arguments.real(value, name) else { return .null(.datetime) }
                let t = (ticksPerUnit == 0 ? n / 100 : n * Double(ticksPerUnit)).rounded(.towardZero)
                guard t.isFinite, abs(t) < 4e18 else { return .null(.datetime) }
                ticks = Int64(t)
            }
            return DateMath.datetime(KQLDateTime.unixEpochTicks.addingReportingOverflow(ticks))
        }
    }
}

/// Calendar arithmetic on ticks since 0001-01-01 (a Monday).
enum DateMath {
    enum Unit: String, CaseIterable {
        case day, week, month, year
    }

    /// A datetime from ticks, or null when out of range (or the arithmetic overflowed).
    static func datetime(_ result: (partialValue: Int64, overflow: Bool)) -> KQLValue {
        guard !result.overflow, (0...KQLDateTime.max.ticks).contains(result.partialValue) else { return .null(.datetime) }
        return .datetime(KQLDateTime(ticks: result.partialValue))
    }

    /// Days since 0001-01-01.
    static func days(_ date: KQLDateTime) -> Int64 { date.ticks / KQLTimespan.day }

    /// Day of the week, Sunday = 0.
    static func weekday(_ date: KQLDateTime) -> Int { Int((days(date) + 1) % 7) }

    /// Day of the year, 1-based.
    static func dayOfYear(_ date: KQLDateTime) -> Int {
        let year = date.components.year
        let january1 = KQLDateTime(year: year, month: 1, day: 1)!
        return Int(days(date) - days(january1)) + 1
    }

    /// The ISO 8601 week number: weeks start on Monday, week 1 holds the year's first Thursday.
    static func isoWeek(_ date: KQLDateTime) -> Int {
        let isoWeekday = Int(days(date) % 7) + 1  // Monday = 1 … Sunday = 7
        let year = date.components.year
        let week = (dayOfYear(date) - isoWeekday + 10) / 7
        if week < 1 { return weeksInISOYear(year - 1) }
        if week > weeksInISOYear(year) { return 1 }
        return week
    }

    static func weeksInISOYear(_ year: Int) -> Int {
        guard year >= 1, let january1 = KQLDateTime(year: year, month: 1, day: 1) else { return 52 }
        let weekday = Int(days(january1) % 7) + 1
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return weekday == 4 || (leap && weekday == 3) ? 53 : 52
    }

    /// Ticks at the start of the `unit` holding `date`, `offset` units later; `nil` out of range.
    static func start(of unit: Unit, containing date: KQLDateTime, offset: Int64) -> Int64? {
        switch unit {
        case .day, .week:
            let length: Int64 = unit == .day ? 1 : 7
            let firstDay = unit == .day ? days(date) : days(date) - Int64(weekday(date))
            guard abs(offset) < 10_000_000 else { return nil }
            let day = firstDay + offset * length
            let ticks = day * KQLTimespan.day
            return (0...KQLDateTime.max.ticks).contains(ticks) ? ticks : nil
        case .month, .year:
            let c = date.components
            guard abs(offset) < 1_000_000 else { return nil }
            let months = unit == .month ? Int64(c.year) * 12 + Int64(c.month - 1) + offset : (Int64(c.year) + offset) * 12
            let year = months >= 0 ? months / 12 : (months - 11) / 12
            let month = Int(months - year * 12) + 1
            return KQLDateTime(year: Int(year), month: month, day: 1)?.ticks
        }
    }

    /// A period of `datetime_add`, `datetime_diff`.
    enum Period {
        case year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, nanosecond

        init(_ text: String, _ function: String) throws(KQLFunctionError) {
            switch text.lowercased() {
            case "year": self = .year
            case "quarter": self = .quarter
            case "month": self = .month
            case "week": self = .week
            case "day": self = .day
            case "hour": self = .hour
            case "minute": self = .minute
            case "second": self = .second
            case "millisecond": self = .millisecond
            case "microsecond": self = .microsecond
            case "nanosecond": self = .nanosecond
            default: throw KQLFunctionError("\(function)(): unknown period '\(text)'")
            }
        }

        /// The length in ticks of the fixed-length periods.
        var ticks: Int64? {
            switch self {
            case .week: 7 * KQLTimespan.day
            case .day: KQLTimespan.day
            case .hour: KQLTimespan.hour
            case .minute: KQLTimespan.minute
            case .second: KQLTimespan.second
            case .millisecond: KQLTimespan.millisecond
            case .microsecond: KQLTimespan.microsecond
            default: nil
            }
        }
    }

    /// `date` plus `amount` periods; months and years keep the day, clamped to the month's length
    /// (as .NET's AddMonths does). `nil` when out of range.
    static func add(_ period: Period, _ amount: Int64, to date: KQLDateTime) -> KQLDateTime? {
        let months: Int64
        switch period {
        case .year: months = 12
        case .quarter: months = 3
        case .month: months = 1
        case .nanosecond:
            let (ticks, overflow) = date.ticks.addingReportingOverflow(amount / 100)
            return !overflow && (0...KQLDateTime.max.ticks).contains(ticks) ? KQLDateTime(ticks: ticks) : nil
        default:
            let (delta, o1) = amount.multipliedReportingOverflow(by: period.ticks!)
            let (ticks, o2) = date.ticks.addingReportingOverflow(delta)
            return !o1 && !o2 && (0...KQLDateTime.max.ticks).contains(ticks) ? KQLDateTime(ticks: ticks) : nil
        }
        guard abs(amount) < 1_000_000 else { return nil }
        let c = date.components
        let total = Int64(c.year) * 12 + Int64(c.month - 1) + amount * months
        guard total >= 12, total < 10_000 * 12 else { return nil }
        let year = Int(total / 12), month = Int(total % 12) + 1
        let lastDay = KQLDateTime(year: year, month: month, day: 31) != nil ? 31
            : KQLDateTime(year: year, month: month, day: 30) != nil ? 30
            : KQLDateTime(year: year, month: month, day: 29) != nil ? 29 : 28
        guard let day = KQLDateTime(year: year, month: month, day: min(c.day, lastDay)) else { return nil }
        return KQLDateTime(ticks: day.ticks + date.ticks % KQLTimespan.day)
    }

    /// `first - second` in whole periods, counting the period boundaries crossed (calendar years,
    /// quarters, months; weeks starting on Sunday; whole days, hours, … on the clock).
    static func difference(_ period: Period, _ first: KQLDateTime, _ second: KQLDateTime) -> Int64 {
        switch period {
        case .year: return Int64(first.components.year - second.components.year)
        case .quarter:
            let a = first.components, b = second.components
            return Int64((a.year * 4 + (a.month - 1) / 3) - (b.year * 4 + (b.month - 1) / 3))
        case .month:
            let a = first.components, b = second.components
            return Int64((a.year * 12 + a.month) - (b.year * 12 + b.month))
        case .week:
            let a = days(first) - Int64(weekday(first)), b = days(second) - Int64(weekday(second))
            return (a - b) / 7
        case .nanosecond: return (first.ticks - second.ticks) * 100
        default:
            let unit = period.ticks!
            return first.ticks / unit - second.ticks / unit
        }
    }
}

/// The format strings of `format_datetime` and `format_timespan`: the documented .NET-style
/// specifiers and delimiters; anything else is an error.
enum DateFormat {
    private static let delimiters: Set<Unicode.Scalar> = [" ", "/", "-", ":", ",", ".", "_", "[", "]"]

    /// Splits a format into runs of one specifier letter and single delimiters (count 0), from a
    /// cache: the format is almost always a constant.
    private static func tokens(_ format: String, allowed: Set<Unicode.Scalar>, function: String) throws(KQLFunctionError)
        -> [(Unicode.Scalar, Int)]
    {
        let key = function + "\u{0}" + format
        if let cached = formatCache.withLock({ $0[key] }) { return cached.tokens }
        let parsed = try scan(format, allowed: allowed, function: function)
        formatCache.withLock { cache in
            if cache.count >= 256 { cache.removeAll(keepingCapacity: true) }
            cache[key] = Tokens(tokens: parsed)
        }
        return parsed
    }

    private struct Tokens: Sendable {
        var tokens: [(Unicode.Scalar, Int)]
    }

    private static let formatCache = Mutex<[String: Tokens]>([:])

    private static func scan(_ format: String, allowed: Set<Unicode.Scalar>, function: String) throws(KQLFunctionError)
        -> [(Unicode.Scalar, Int)]
    {
        var result: [(Unicode.Scalar, Int)] = []
        for scalar in format.unicodeScalars {
            if allowed.contains(scalar) {
                if let last = result.last, last.0 == scalar {
                    result[result.count - 1].1 += 1
                } else {
                    result.append((scalar, 1))
                }
            } else if delimiters.contains(scalar) {
                result.append((scalar, 0))
            } else {
                throw KQLFunctionError("\(function)(): '\(scalar)' is not a supported format element or delimiter")
            }
        }
        return result
    }

    private static func fail(_ function: String, _ letter: Unicode.Scalar, _ count: Int) -> KQLFunctionError {
        KQLFunctionError("\(function)(): '\(String(repeating: String(letter), count: count))' is not a supported format element")
    }

    /// Appends `ticks` (0…9,999,999) as fractional digits: `count` digits, or for `F` the
    /// non-zero ones, dropping a `.` just before when nothing is written (as .NET does).
    private static func fraction(_ ticks: Int64, _ count: Int, trim: Bool, to out: inout String) {
        var value = ticks
        for _ in count..<7 { value /= 10 }
        var digits = String(value)
        digits = String(repeating: "0", count: count - digits.count) + digits
        if trim {
            while digits.hasSuffix("0") { digits.removeLast() }
            if digits.isEmpty {
                if out.hasSuffix(".") { out.removeLast() }
                return
            }
        }
        out += digits
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func format(_ date: KQLDateTime, _ format: String) throws(KQLFunctionError) -> String {
        let c = date.components
        var out = ""
        for (letter, count) in try tokens(format, allowed: ["d", "f", "F", "h", "H", "m", "M", "s", "y", "t"], function: "format_datetime") {
            guard count > 0 else {
                out.unicodeScalars.append(letter)
                continue
            }
            switch (letter, count) {
            case ("d", 1...2): out += padded(c.day, count)
            case ("f", 1...7): fraction(c.fractionTicks, count, trim: false, to: &out)
            case ("F", 1...7): fraction(c.fractionTicks, count, trim: true, to: &out)
            case ("h", 1...2): out += padded(c.hour % 12 == 0 ? 12 : c.hour % 12, count)
            case ("H", 1...2): out += padded(c.hour, count)
            case ("m", 1...2): out += padded(c.minute, count)
            case ("M", 1...2): out += padded(c.month, count)
            case ("s", 1...2): out += padded(c.second, count)
            case ("y", 1): out += String(c.year % 100)
            case ("y", 2): out += padded(c.year % 100, 2)
            case ("y", 4): out += padded(c.year, 4)
            case ("t", 2): out += c.hour < 12 ? "AM" : "PM"
            default: throw fail("format_datetime", letter, count)
            }
        }
        return out
    }

    static func format(_ span: KQLTimespan, _ format: String) throws(KQLFunctionError) -> String {
        guard span.ticks >= 0 else {
            throw KQLFunctionError("format_timespan() of a negative timespan", unsupported: true)
        }
        let days = span.ticks / KQLTimespan.day
        var rest = span.ticks % KQLTimespan.day
        let hours = Int(rest / KQLTimespan.hour)
        rest %= KQLTimespan.hour
        let minutes = Int(rest / KQLTimespan.minute)
        rest %= KQLTimespan.minute
        let seconds = Int(rest / KQLTimespan.second)
        let fractionTicks = rest % KQLTimespan.second
        var out = ""
        for (letter, count) in try tokens(format, allowed: ["d", "f", "F", "h", "H", "m", "s"], function: "format_timespan") {
            guard count > 0 else {
                out.unicodeScalars.append(letter)
                continue
            }
            switch (letter, count) {
            case ("d", 1...8): out += padded(Int(days), count)
            case ("f", 1...7): fraction(fractionTicks, count, trim: false, to: &out)
            case ("F", 1...7): fraction(fractionTicks, count, trim: true, to: &out)
            // The documented examples use `h` and `hh` for the hour of the day too.
            case ("h", 1...2), ("H", 1...2): out += padded(hours, count)
            case ("m", 1...2): out += padded(minutes, count)
            case ("s", 1...2): out += padded(seconds, count)
            default: throw fail("format_timespan", letter, count)
            }
        }
        return out
    }
}
