import KQL

/// The built-in scalar functions, by name.
public enum ScalarFunctions {
    /// Every function the engine evaluates row by row, by its modern name.
    public static let byName: [String: ScalarFunction] = {
        var table: [String: ScalarFunction] = [:]
        for function in all { table[function.name] = function }
        return table
    }()

    static let all: [ScalarFunction] = [
        ScalarFunction("tostring", arity: 1...1, returns: .string) { args, _ in .string(args[0].kqlString) },
    ]
}
