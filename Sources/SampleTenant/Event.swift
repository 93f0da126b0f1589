import Dispatch
import KQL

/// One generated row before it becomes columns: indexes into the world and the table's pools.
struct Event: Sendable {
    var time: Int64
    var device: Int32
    /// The acting user, or -1 for SYSTEM.
    var user: Int32
    var action: Int16
    var variant: Int16 = 0
    /// The process the row is about (the created process, or the acting one), or -1.
    var proc: Int32 = -1
    /// The initiating process.
    var parent: Int32 = -1
    /// The file the row is about; -1 means the image of `proc`.
    var file: Int32 = -1
    /// A table-specific pool index (destination, registry value, mail, …).
    var item: Int32 = 0
    /// Index of this row's story overrides, or -1.
    var story: Int32 = -1
}

/// How a column reads its cell from an event.
enum Getter {
    case string((Event) -> String)
    case long((Event) -> Int64)
    case bool((Event) -> Bool)
    case date((Event) -> Int64)
    case dynamic((Event) -> KQLDynamic)
    case constant(KQLValue)

    /// Returned by a `.date` getter for a cell that has no time (stored as null).
    static let nullTicks = Int64.min
}

@inline(__always)
func mix(_ a: Int64, _ b: Int64) -> UInt64 {
    var z = UInt64(bitPattern: a) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: b)
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Rows of one table under construction, with the story overrides they refer to.
struct EventSet {
    var events: [Event] = []
    var overrides: [[String: KQLValue]] = []

    mutating func append(_ e: Event) { events.append(e) }

    /// Appends a story row whose listed columns differ from what the event alone would give.
    mutating func append(_ e: Event, _ values: [String: KQLValue]) {
        var e = e
        e.story = Int32(overrides.count)
        overrides.append(values)
        events.append(e)
    }

    /// Builds the columns of `schema` from the events using `getter` per column. Columns are
    /// independent, so they are built on all cores.
    func build(schema: TableSchema, getter: (String) -> Getter) -> KQLTable {
        let getters = schema.columns.map { getter($0.name) }
        var columns = [KQLColumn?](repeating: nil, count: getters.count)
        columns.withUnsafeMutableBufferPointer { out in
            // Each iteration writes only its own slot; the getters only read captured values.
            let work = ParallelColumns(set: self, schema: schema, getters: getters, slots: out.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: getters.count) { i in
                work.slots[i] = work.set.buildColumn(work.schema.columns[i], work.getters[i])
            }
        }
        return KQLTable(columns: columns.map { $0! }, rowCount: events.count)
    }

    fileprivate func buildColumn(_ column: ColumnSchema, _ getter: Getter) -> KQLColumn {
            var b = KQLColumnBuilder(type: column.type)
            let name = column.name
            let type = column.type
            // Room for every cell, and for text the length of a sample of cells times the rows.
            var textBytes = 0
            if case .string(let f) = getter, type == .string, !events.isEmpty {
                let sample = Swift.min(events.count, 256)
                let step = Swift.max(events.count / sample, 1)
                var total = 0
                for i in 0..<sample { total += f(events[i * step]).utf8.count }
                textBytes = total / sample * events.count + events.count * 4
            }
            b.reserveCapacity(events.count, bytes: textBytes)
            @inline(__always) func override(_ e: Event) -> KQLValue? {
                e.story >= 0 ? overrides[Int(e.story)][name] : nil
            }
            switch getter {
            case .string(let f) where type == .string:
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(string: f(e)) }
                }
            case .long(let f) where type == .long:
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(long: f(e)) }
                }
            case .long(let f) where type == .int:
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(int: Int32(truncatingIfNeeded: f(e))) }
                }
            case .date(let f) where type == .datetime:
                for e in events {
                    if let v = override(e) {
                        b.append(v)
                    } else {
                        let ticks = f(e)
                        if ticks == Getter.nullTicks { b.appendNull() } else { b.append(datetimeTicks: ticks) }
                    }
                }
            case .bool(let f) where type == .bool:
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(bool: f(e)) }
                }
            case .dynamic(let f) where type == .dynamic:
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(dynamic: f(e)) }
                }
            case .string(let f) where type == .dynamic:
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(dynamic: (try? KQLDynamic(parsing: f(e))) ?? .null) }
                }
            case .constant(let c):
                for e in events {
                    if let v = override(e) { b.append(v) } else { b.append(c) }
                }
            case .string(let f):
                for e in events { b.append(override(e) ?? .string(f(e))) }
            case .long(let f):
                for e in events { b.append(override(e) ?? .long(f(e))) }
            case .date(let f):
                for e in events { b.append(override(e) ?? .datetime(KQLDateTime(ticks: f(e)))) }
            case .bool(let f):
                for e in events { b.append(override(e) ?? .bool(f(e))) }
            case .dynamic(let f):
                for e in events { b.append(override(e) ?? .dynamic(f(e))) }
            }
            return KQLColumn(name: name, storage: b.finish())
    }
}

/// The inputs and output slots of a parallel column build, shared with `concurrentPerform`'s
/// worker threads. `@unchecked` is safe here: the getters only read values captured at creation
/// (nothing mutates them while columns are built) and every iteration writes a different slot,
/// which the caller reads only after `concurrentPerform` has returned.
private struct ParallelColumns: @unchecked Sendable {
    let set: EventSet
    let schema: TableSchema
    let getters: [Getter]
    let slots: UnsafeMutablePointer<KQLColumn?>
}
