import Testing

@testable import HuntingJob

@Suite struct JobExitStatusTests {
    @Test(arguments: [
        (queries: 5, failed: 0, broken: 0, new: 0, failOn: false, interrupted: false, expected: JobExitStatus.done),
        (5, 0, 0, 3, false, false, .done),
        (5, 0, 0, 3, true, false, .newFindings),
        (5, 0, 0, 0, true, false, .done),
        (5, 2, 0, 3, true, false, .someFailed),
        (5, 0, 1, 0, false, false, .someFailed),
        (5, 5, 0, 0, false, false, .allFailed),
        (5, 5, 0, 0, false, true, .interrupted),
        (0, 0, 0, 0, false, false, .done),
    ])
    func precedence(
        _ c: (queries: Int, failed: Int, broken: Int, new: Int, failOn: Bool, interrupted: Bool, expected: JobExitStatus)
    ) {
        let status = JobExitStatus.of(
            queries: c.queries, failed: c.failed, brokenFiles: c.broken, newFindings: c.new, failOnFindings: c.failOn,
            interrupted: c.interrupted)
        #expect(status == c.expected)
    }
}
