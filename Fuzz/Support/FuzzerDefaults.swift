// Compiled into every fuzzer by Fuzz/run, next to the target's own file.

/// AddressSanitizer defaults built into the binary, so a fuzzer run by hand (reproducing or
/// minimizing a crash) behaves as under Fuzz/run: no LeakSanitizer report at exit (the Swift runtime's
/// caches read as leaks and would turn every run into a failure), and abort() reported as a crash.
/// ASAN_OPTIONS still overrides any of these.
@_cdecl("__asan_default_options")
public func asanDefaultOptions() -> UnsafePointer<CChar> {
    UnsafeRawPointer(("detect_leaks=0:handle_abort=1" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}
