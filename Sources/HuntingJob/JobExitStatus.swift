/// How a nightly run ended: the exit code `hunt report` returns (README "Exit codes").
///
/// When several apply, the first in this order wins: interrupted, configuration, every query
/// failed, some queries failed, new findings (only with `--fail-on-findings`), done.
public enum JobExitStatus: Int32, Sendable, CaseIterable {
    /// Every query ran, with or without findings.
    case done = 0
    /// Some queries failed (or some query files could not be loaded); the report was still published.
    case someFailed = 1
    /// The configuration or a credential is unusable; nothing ran.
    case configuration = 2
    /// Every query failed.
    case allFailed = 3
    /// New findings since the last run, and `--fail-on-findings` was given.
    case newFindings = 4
    /// The command was called wrongly.
    case usage = 64
    /// Stopped by Ctrl-C or SIGTERM; what finished was kept.
    case interrupted = 130

    /// The status of a run that got as far as running its queries.
    /// - Parameters:
    ///   - queries: how many queries were to run, over every tenant.
    ///   - failed: how many of them ended with an error.
    ///   - brokenFiles: query files that could not be loaded.
    ///   - newFindings: findings not seen in the last successful run of their query.
    ///   - failOnFindings: whether new findings make the run fail (`--fail-on-findings`).
    ///   - interrupted: whether the run was cancelled.
    /// - Returns: the status, by the precedence above.
    public static func of(
        queries: Int, failed: Int, brokenFiles: Int = 0, newFindings: Int, failOnFindings: Bool, interrupted: Bool
    ) -> JobExitStatus {
        if interrupted { return .interrupted }
        if queries > 0, failed == queries { return .allFailed }
        if failed > 0 || brokenFiles > 0 { return .someFailed }
        if failOnFindings, newFindings > 0 { return .newFindings }
        return .done
    }
}
