public import Foundation

/// Parsers for the text inside KQL's typed literals (`datetime(…)`, `time(…)`, `guid(…)`,
/// `dynamic(…)`, …) and for parameter values given as plain text.
public enum LiteralSyntax {
    /// Timespan unit suffixes (case-sensitive, as in Kusto) and their length in ticks.
    public static let timespanUnits: [String: Int64] = {
        var units: [String: Int64] = [:]
        func add(_ ticks: Int64, _ names: String...) { for name in names { units[name] = ticks } }
        add(KQLTimespan.day, "d", "day", "days")
        add(KQLTimespan.hour, "h", "hr", "hrs", "hour", "hours")
        add(KQLTimespan.minute, "m", "min", "minute", "minutes")
        add(KQLTimespan.second, "s", "sec", "second", "seconds")
        add(KQLTimespan.millisecond, "ms", "milli", "millis", "millisec", "millisecond", "milliseconds")
        add(KQLTimespan.microsecond, "micro", "micros", "microsec", "microsecond", "microseconds")
        add(KQLTimespan.tick, "tick", "ticks")
        return units
    }()

    /// Nanosecond suffixes: a hundredth of a tick, truncated to whole ticks.
    public static let nanosecondUnits: Set<String> = ["nano", "nanos", "nanosec", "nanosecond", "nanoseconds"]

    /// The ticks of `number` `unit`s (`1.5` `h`), or `nil` for an unknown unit or out-of-range value.
    static func timespanTicks(_ numberText: String, unit: String) -> Int64? {
        if let whole = parseInteger(numberText) {
            if nanosecondUnits.contains(unit) { return whole / 100 }
            guard let perUnit = timespanUnits[unit] else { return nil }
            let (product, overflow) = whole.multipliedReportingOverflow(by: perUnit)
            return overflow ? nil : product
        }
        guard let number = Double(numberText) else { return nil }
        let ticks: Double
        if nanosecondUnits.contains(unit) {
            ticks = (number / 100).rounded(.towardZero)
        } else if let perUnit = timespanUnits[unit] {
            ticks = perUnit == KQLTimespan.tick ? number.rounded(.towardZero) : (number * Double(perUnit)).rounded()
        } else {
            return nil
        }
        return ticks.isFinite && abs(ticks) < 9.2e18 ? Int64(ticks) : nil
    }

    /// Decodes the text between the parentheses of a typed literal (`datetime(…)`, `time(…)`,
    /// `int(…)`, …): trimmed, unquoted when it is a quoted string, `null` for a typed null.
    /// - Returns: the value, or `nil` when the text is not a literal of that type.
    public static func decodeTypedLiteral(_ type: KQLScalarType, content: String) -> KQLValue? {
        var text = content.trimmingBlanks()
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            text = String(text.dropFirst().dropLast())
        }
        if text == "null" { return .null(of: type) }
        switch type {
        case .datetime: return parseDateTime(text).map(KQLValue.datetime)
        case .timespan: return parseTimespan(text, bareNumberUnit: KQLTimespan.day).map(KQLValue.timespan)
        case .guid: return parseGuid(text).map(KQLValue.guid)
        case .bool: return parseBool(text).map(KQLValue.bool)
        case .long: return parseInteger(text).map(KQLValue.long)
        case .int: return parseInteger(text).flatMap(Int32.init(exactly:)).map(KQLValue.int)
        case .real: return parseReal(text).map(KQLValue.real)
        case .decimal: return parseDecimal(text).map(KQLValue.decimal)
        case .dynamic: return (try? KQLDynamic(parsing: text)).map(KQLValue.dynamic)
        case .string: return .string(content)
        }
    }

    // MARK: datetime

    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]

    /// Parses the text of a `datetime(…)` literal: ISO 8601 (`2024-01-31`, `2024-01-31T08:00:00Z`,
    /// `2024-01-31 08:00:00.1234567`, an offset such as `+02:00`), RFC 822 (`Sat, 8 Nov 14 15:05:02
    /// GMT`) and RFC 850 (`Saturday, 08-Nov-14 15:05:02 GMT`). Fractions keep 100 ns precision.
    /// - Returns: the instant in UTC, or `nil` when the text is not a date.
    public static func parseDateTime(_ text: some StringProtocol) -> KQLDateTime? {
        var cursor = ByteCursor(text.trimmingBlanks())
        if let date = parseISODate(&cursor) { return date }
        cursor.index = 0
        if let date = parseUSDate(&cursor) { return date }
        cursor.index = 0
        return parseRFCDate(&cursor)
    }

    /// `M/d/yyyy [h:mm[:ss[.f]] [AM|PM]]`, which .NET (and so Kusto) also reads.
    private static func parseUSDate(_ c: inout ByteCursor) -> KQLDateTime? {
        guard let (month, _) = c.readDigits(max: 2), c.consume(UInt8(ascii: "/")),
            let (day, _) = c.readDigits(max: 2), c.consume(UInt8(ascii: "/")),
            let (year, yearDigits) = c.readDigits(max: 4), yearDigits == 4
        else { return nil }
        c.skipBlanks()
        return finishDate(&c, year: Int(year), month: Int(month), day: Int(day))
    }

    private static func parseISODate(_ c: inout ByteCursor) -> KQLDateTime? {
        guard let (year, yearDigits) = c.readDigits(max: 4), yearDigits == 4 else { return nil }
        let separator = c.current
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") else { return nil }
        c.advance()
        guard let (month, _) = c.readDigits(max: 2), c.consume(separator!),
            let (day, _) = c.readDigits(max: 2)
        else { return nil }
        if c.consume(UInt8(ascii: "T")) || c.consume(UInt8(ascii: " ")) {
            guard !c.isAtEnd else { return nil }
        }
        return finishDate(&c, year: Int(year), month: Int(month), day: Int(day))
    }

    /// Reads the optional `time [AM|PM] [zone]` after a date and returns the instant in UTC.
    private static func finishDate(_ c: inout ByteCursor, year: Int, month: Int, day: Int) -> KQLDateTime? {
        var time = (hour: 0, minute: 0, second: 0, fraction: Int64(0))
        var offsetSeconds = 0
        if !c.isAtEnd {
            guard let parsed = parseTime(&c) else { return nil }
            time = parsed
            c.skipBlanks()
            if c.consume("PM") || c.consume("pm") {
                guard (1...12).contains(time.hour) else { return nil }
                time.hour = time.hour % 12 + 12
            } else if c.consume("AM") || c.consume("am") {
                guard (1...12).contains(time.hour) else { return nil }
                time.hour %= 12
            }
            c.skipBlanks()
            guard let offset = parseZone(&c) else { return nil }
            offsetSeconds = offset
        }
        guard c.isAtEnd,
            let date = KQLDateTime(
                year: year, month: month, day: day, hour: time.hour, minute: time.minute,
                second: time.second, fractionTicks: time.fraction)
        else { return nil }
        return KQLDateTime(ticks: date.ticks - Int64(offsetSeconds) * KQLTimespan.second)
    }

    /// `hh:mm[:ss[.fffffff]]`; more than seven fractional digits are truncated to ticks.
    private static func parseTime(_ c: inout ByteCursor) -> (hour: Int, minute: Int, second: Int, fraction: Int64)? {
        guard let (hour, _) = c.readDigits(max: 2), c.consume(UInt8(ascii: ":")),
            let (minute, _) = c.readDigits(max: 2)
        else { return nil }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if c.consume(UInt8(ascii: ":")) {
            guard let (s, _) = c.readDigits(max: 2) else { return nil }
            second = s
            if c.consume(UInt8(ascii: ".")) {
                guard let ticks = readFraction(&c) else { return nil }
                fraction = ticks
            }
        }
        return (Int(hour), Int(minute), Int(second), fraction)
    }

    /// Reads fractional-second digits as ticks (100 ns), truncating past seven digits.
    static func readFraction(_ c: inout ByteCursor) -> Int64? {
        var ticks: Int64 = 0
        var digits = 0
        while let byte = c.current, byte.isASCIIDigit {
            if digits < 7 { ticks = ticks * 10 + Int64(byte - 0x30) }
            digits += 1
            c.advance()
        }
        guard digits > 0 else { return nil }
        if digits < 7 { for _ in digits..<7 { ticks *= 10 } }
        return ticks
    }

    /// `Z`, `UTC`, `GMT`, `+hh:mm`, `-hhmm` or nothing; returns the offset east of UTC in seconds.
    private static func parseZone(_ c: inout ByteCursor) -> Int? {
        if c.isAtEnd { return 0 }
        if c.consume("Z") || c.consume("z") || c.consume("UTC") || c.consume("GMT") { return 0 }
        guard let sign = c.current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        c.advance()
        guard let (hours, _) = c.readDigits(max: 2) else { return nil }
        _ = c.consume(UInt8(ascii: ":"))
        let minutes = c.readDigits(max: 2)?.value ?? 0
        guard hours <= 14, minutes < 60 else { return nil }
        let seconds = Int(hours * 3600 + minutes * 60)
        return sign == UInt8(ascii: "-") ? -seconds : seconds
    }

    private static func parseRFCDate(_ c: inout ByteCursor) -> KQLDateTime? {
        // Optional weekday name and comma.
        let start = c.index
        c.skip { $0.isASCIILetter }
        if c.index > start {
            guard c.consume(UInt8(ascii: ",")) else { return nil }
            c.skipBlanks()
        }
        guard let (day, _) = c.readDigits(max: 2) else { return nil }
        let dashed = c.consume(UInt8(ascii: "-"))
        if !dashed { c.skipBlanks() }
        let monthStart = c.index
        c.skip { $0.isASCIILetter }
        let monthName = c.text(monthStart..<c.index).lowercased()
        guard let monthIndex = monthNames.firstIndex(of: String(monthName.prefix(3))),
            monthName.count == 3 || monthName.hasPrefix(monthNames[monthIndex])
        else { return nil }
        if dashed { guard c.consume(UInt8(ascii: "-")) else { return nil } } else { c.skipBlanks() }
        guard let (rawYear, yearDigits) = c.readDigits(max: 4), yearDigits == 2 || yearDigits == 4 else {
            return nil
        }
        let year = yearDigits == 4 ? Int(rawYear) : (rawYear < 50 ? 2000 : 1900) + Int(rawYear)
        c.skipBlanks()
        return finishDate(&c, year: year, month: monthIndex + 1, day: Int(day))
    }

    // MARK: timespan

    /// Parses a timespan written as a KQL literal (`7d`, `1.5h`, `100ms`, `-30m`), in the constant
    /// format (`1.12:00:00`, `00:30:00.5`) or as an ISO 8601 duration (`P7D`, `PT1H30M`).
    /// - Parameter bareNumberUnit: the unit of a number without one (`time(2)` means two days);
    ///   `nil` rejects bare numbers.
    /// - Returns: the duration, or `nil` when the text is not a timespan.
    public static func parseTimespan(_ text: some StringProtocol, bareNumberUnit: Int64? = nil) -> KQLTimespan? {
        let trimmed = text.trimmingBlanks()
        var c = ByteCursor(trimmed)
        var negative = false
        if c.consume(UInt8(ascii: "-")) { negative = true } else { _ = c.consume(UInt8(ascii: "+")) }
        if c.current == UInt8(ascii: "P") || c.current == UInt8(ascii: "p") {
            guard let ticks = parseISODuration(&c) else { return nil }
            return KQLTimespan(ticks: negative ? -ticks : ticks)
        }
        let numberStart = c.index
        guard c.readDigits(max: 19) != nil else { return nil }
        if c.current == UInt8(ascii: ":") || (c.current == UInt8(ascii: ".") && looksLikeClock(c)) {
            c.index = numberStart
            guard let magnitude = parseClock(&c), c.isAtEnd else { return nil }
            // The magnitude may be 2^63: `-10675199.02:48:05.4775808` is the shortest timespan.
            if negative { return magnitude <= Int64.min.magnitude ? KQLTimespan(ticks: Int64(truncatingIfNeeded: 0 &- magnitude)) : nil }
            return magnitude <= UInt64(Int64.max) ? KQLTimespan(ticks: Int64(magnitude)) : nil
        }
        c.index = numberStart
        guard let magnitude = parseNumberWithUnit(&c, bareNumberUnit: bareNumberUnit), c.isAtEnd else {
            return nil
        }
        return KQLTimespan(ticks: negative ? -magnitude : magnitude)
    }

    /// After `d`, a `.` followed by `hh:` means the constant format `d.hh:mm:ss`.
    private static func looksLikeClock(_ c: ByteCursor) -> Bool {
        var probe = c
        probe.advance()
        return probe.readDigits(max: 2) != nil && probe.current == UInt8(ascii: ":")
    }

    /// `[d.]hh:mm[:ss[.fffffff]]` in ticks, as a magnitude (the caller checks the signed range);
    /// `nil` past 64 unsigned bits.
    private static func parseClock(_ c: inout ByteCursor) -> UInt64? {
        let start = c.index
        var days: Int64 = 0
        if let (first, _) = c.readDigits(max: 8), c.consume(UInt8(ascii: ".")) {
            days = first
        } else {
            c.index = start
        }
        guard let time = parseTime(&c), time.hour < 24, time.minute < 60, time.second < 60 else { return nil }
        let clock = Int64(time.hour) * KQLTimespan.hour + Int64(time.minute) * KQLTimespan.minute
            + Int64(time.second) * KQLTimespan.second + time.fraction
        let (total, o1) = UInt64(days).multipliedReportingOverflow(by: UInt64(KQLTimespan.day))
        let (sum, o2) = total.addingReportingOverflow(UInt64(clock))
        return o1 || o2 ? nil : sum
    }

    /// `12`, `1.5` or `2e3` followed by a unit (`d`, `hours`, `ms`, …), in ticks.
    static func parseNumberWithUnit(_ c: inout ByteCursor, bareNumberUnit: Int64?) -> Int64? {
        let start = c.index
        c.skip { $0.isASCIIDigit }
        if c.current == UInt8(ascii: "."), c.peek(1)?.isASCIIDigit == true {
            c.advance()
            c.skip { $0.isASCIIDigit }
        }
        guard c.index > start else { return nil }
        let numberText = c.text(start..<c.index)
        c.skipBlanks()  // `time(15 seconds)`
        let unitStart = c.index
        c.skip { $0.isASCIILetter }
        let unitText = c.text(unitStart..<c.index)
        if unitText.isEmpty {
            guard let bareNumberUnit, let number = Double(numberText) else { return nil }
            let ticks = (number * Double(bareNumberUnit)).rounded()
            return ticks.isFinite && abs(ticks) < 9.2e18 ? Int64(ticks) : nil
        }
        return timespanTicks(numberText, unit: unitText)
    }

    /// ISO 8601 durations: `P[nW][nD][T[nH][nM][n[.f]S]]` (years and months are refused: their
    /// length varies).
    private static func parseISODuration(_ c: inout ByteCursor) -> Int64? {
        guard c.current == UInt8(ascii: "P") || c.current == UInt8(ascii: "p") else { return nil }
        c.advance()
        var total: Int64 = 0
        var inTime = false
        var sawComponent = false
        while !c.isAtEnd {
            if c.current == UInt8(ascii: "T") || c.current == UInt8(ascii: "t") {
                guard !inTime else { return nil }
                inTime = true
                c.advance()
                continue
            }
            guard let (whole, _) = c.readDigits(max: 12) else { return nil }
            var fraction: Int64 = 0
            if c.consume(UInt8(ascii: ".")) || c.consume(UInt8(ascii: ",")) {
                guard let f = readFraction(&c) else { return nil }
                fraction = f
            }
            guard let designator = c.current?.asciiLowercased else { return nil }
            c.advance()
            let unit: Int64
            switch (designator, inTime) {
            case (UInt8(ascii: "w"), false): unit = 7 * KQLTimespan.day
            case (UInt8(ascii: "d"), false): unit = KQLTimespan.day
            case (UInt8(ascii: "h"), true): unit = KQLTimespan.hour
            case (UInt8(ascii: "m"), true): unit = KQLTimespan.minute
            case (UInt8(ascii: "s"), true): unit = KQLTimespan.second
            default: return nil
            }
            guard fraction == 0 || unit == KQLTimespan.second else { return nil }
            let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
            guard !overflow, let sum = Self.add(total, product, fraction) else { return nil }
            total = sum
            sawComponent = true
        }
        return sawComponent ? total : nil
    }

    /// `a + b + c`, or `nil` when it overflows.
    private static func add(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64? {
        let (ab, o1) = a.addingReportingOverflow(b)
        let (abc, o2) = ab.addingReportingOverflow(c)
        return o1 || o2 ? nil : abc
    }

    // MARK: guid

    /// Parses a GUID, with or without braces, in either case.
    public static func parseGuid(_ text: some StringProtocol) -> UUID? {
        var trimmed = text.trimmingBlanks()
        if trimmed.hasPrefix("{") && trimmed.hasSuffix("}") { trimmed = String(trimmed.dropFirst().dropLast()) }
        return trimmed.utf8.count == 36 ? UUID(uuidString: trimmed) : nil
    }

    // MARK: numbers

    /// Parses a signed integer (decimal or `0x` hex) that fits 64 bits.
    public static func parseInteger(_ text: some StringProtocol) -> Int64? {
        var c = ByteCursor(text.trimmingBlanks())
        var negative = false
        if c.consume(UInt8(ascii: "-")) { negative = true } else { _ = c.consume(UInt8(ascii: "+")) }
        var magnitude: UInt64 = 0
        var digits = 0
        if c.consume("0x") || c.consume("0X") {
            while let byte = c.current, let value = byte.hexValue {
                let (shifted, overflow) = magnitude.multipliedReportingOverflow(by: 16)
                guard !overflow else { return nil }
                magnitude = shifted | UInt64(value)
                digits += 1
                c.advance()
            }
        } else {
            while let byte = c.current, byte.isASCIIDigit {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
                guard !o1, !o2 else { return nil }
                magnitude = sum
                digits += 1
                c.advance()
            }
        }
        guard digits > 0, c.isAtEnd else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Parses a real: decimal or exponent notation, `nan`, `inf`, `+inf`, `-inf`.
    public static func parseReal(_ text: some StringProtocol) -> Double? {
        let trimmed = text.trimmingBlanks()
        switch trimmed.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard let first = trimmed.utf8.first,
            first.isASCIIDigit || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: "."),
            trimmed.utf8.allSatisfy({ $0.isASCIIDigit || "+-.eE".utf8.contains($0) })
        else { return nil }
        return Double(trimmed)
    }

    /// Parses a decimal number exactly (`12.50`, `-1e3`).
    public static func parseDecimal(_ text: some StringProtocol) -> Decimal? {
        let trimmed = text.trimmingBlanks()
        guard parseReal(trimmed)?.isFinite == true else { return nil }
        return Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Parses a boolean: `true`/`false` in any case, or `1`/`0`.
    public static func parseBool(_ text: some StringProtocol) -> Bool? {
        switch text.trimmingBlanks().lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }
}

extension StringProtocol {
    /// The text as `trimmingCharacters(in: .whitespaces)` (`.whitespacesAndNewlines` with
    /// `newlines`) gives it, without Foundation's round trip through `NSString` when it starts and
    /// ends with a visible ASCII character, the usual case on the lexer's typed literals.
    func trimmingBlanks(newlines: Bool = false) -> String {
        if let first = utf8.first, let last = unicodeScalars.last?.value, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return String(self)
        }
        return trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
