import KQL

/// The built-in scalar functions, by name.
public enum ScalarFunctions {
    /// Every function the engine evaluates row by row, by its modern name (and by the deprecated
    /// names the parser does not map, such as `todouble` or `extractall`).
    public static let byName: [String: ScalarFunction] = {
        var table: [String: ScalarFunction] = [:]
        for function in all { table[function.name] = function }
        return table
    }()

    static let all: [ScalarFunction] = [
        ConversionFunctions.all, DateTimeFunctions.all, MathFunctions.all, StringFunctions.all, DynamicFunctions.all,
        IPFunctions.all, ParsingFunctions.all,
    ].flatMap { $0 }
}
