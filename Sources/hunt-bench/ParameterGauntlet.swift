// hunt-bench params [--seed N] [--jobs N] [--from I] COUNT
//
// Issue 8, the injection gauntlet (b). Binds COUNT sets of hostile values (one per parameter of
// ParameterRoundTrip's query file: every KQL type, a redeclared one, a negative one, adjacent
// strings) through HuntingQuery.bind, typed and as text, parses the bound text again and checks
// that the syntax tree is the unbound one except for the literals, that each literal reads back
// as exactly the value bound, and that the query file parser finds the same parameters. Iteration
// I always draws the same values for a seed (its generator is seeded from the seed and I), so
// `--from I 1` replays one. Prints one JSON object (counts, failures, seconds, rates) and, on
// stderr, the smallest repro of the first few failures; exits 1 when any iteration failed.
import Foundation
@_spi(Gauntlet) import Hunting
import KQL
import SampleTenant
import Synchronization

struct ParameterGauntletOptions {
    static let usage = "usage: hunt-bench params [--seed N] [--jobs N] [--from I] COUNT"

    var count = 0
    var seed: UInt64 = 8
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    var from = 0

    init(_ arguments: [String]) {
        var rest = arguments[...]
        while let option = rest.first, option.hasPrefix("--") {
            rest = rest.dropFirst()
            guard let text = rest.first else { fail(Self.usage, status: 64) }
            rest = rest.dropFirst()
            switch option {
            case "--seed": guard let v = UInt64(text) else { fail("--seed: expected a number, got \(text)", status: 64) }; seed = v
            case "--jobs": guard let v = Int(text), v > 0 else { fail("--jobs: expected a positive number, got \(text)", status: 64) }; jobs = v
            case "--from": guard let v = Int(text), v >= 0 else { fail("--from: expected an iteration number, got \(text)", status: 64) }; from = v
            default: fail("unknown option \(option)\n\(Self.usage)", status: 64)
            }
        }
        guard rest.count == 1, let count = Int(rest.first!), count > 0 else { fail(Self.usage, status: 64) }
        self.count = count
    }
}

/// Iteration `index`'s generator (the same in `ParameterGauntletTests`).
func gauntletGenerator(seed: UInt64, iteration index: Int) -> SplitMix64 {
    SplitMix64(seed: ParameterRoundTrip.seed(seed, iteration: index))
}

func parameterGauntlet(_ options: ParameterGauntletOptions) {
    let roundTrip = ParameterRoundTrip()
    let failing = Mutex<[Int]>([])
    let stringBytes = Mutex<(total: Int, longest: Int)>((0, 0))
    let done = Atomic<Int>(0)
    let start = DispatchTime.now().uptimeNanoseconds
    let jobs = min(options.jobs, options.count)
    DispatchQueue.concurrentPerform(iterations: jobs) { job in
        var local: [Int] = []
        var bytes = (total: 0, longest: 0)
        for index in stride(from: options.from + job, to: options.from + options.count, by: jobs) {
            var generator = gauntletGenerator(seed: options.seed, iteration: index)
            let values = roundTrip.randomValues(using: &generator)
            for case .string(let s) in values.values {
                bytes.total += s.utf8.count
                bytes.longest = max(bytes.longest, s.utf8.count)
            }
            if !roundTrip.check(values).isEmpty { local.append(index) }
            let finished = done.add(1, ordering: .relaxed).newValue
            if finished % 100_000 == 0 {
                FileHandle.standardError.write(Data("hunt-bench params: \(finished) of \(options.count)\n".utf8))
            }
        }
        failing.withLock { $0 += local }
        stringBytes.withLock { $0 = ($0.total + bytes.total, max($0.longest, bytes.longest)) }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let failures = failing.withLock { $0.sorted() }
    for index in failures.prefix(5) {
        var generator = gauntletGenerator(seed: options.seed, iteration: index)
        let values = roundTrip.randomValues(using: &generator)
        let repro = roundTrip.minimize(values).map(String.init(describing:)) ?? "(passes when run alone)"
        FileHandle.standardError.write(Data("FAIL iteration \(index) (hunt-bench params --seed \(options.seed) --from \(index) 1), smallest repro:\n\(repro)\n\n".utf8))
    }
    let parameters = roundTrip.query.parameters
    let (total, longest) = stringBytes.withLock { $0 }
    let result: [String: Any] = [
        "iterations": options.count,
        "seed": options.seed,
        "from": options.from,
        "jobs": jobs,
        "parameters": parameters.count,
        "types": Set(parameters.map(\.type.rawValue)).sorted(),
        "values_bound": options.count * parameters.count,
        "string_bytes": total,
        "longest_string_bytes": longest,
        "failed_iterations": failures.count,
        "first_failures": Array(failures.prefix(20)),
        "seconds": (seconds * 1000).rounded() / 1000,
        "iterations_per_second": Int(Double(options.count) / seconds),
    ]
    let json = try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
    if !failures.isEmpty { exit(1) }
}
