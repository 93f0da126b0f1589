import Foundation
import Hunting
import KQL

extension ReportModel {
    /// The template context for one output format.
    public func context(for format: ReportFormat) -> MustacheValue {
        let cellLimit = format == .markdown ? options.markdownCellLimit : options.htmlCellLimit
        let queries = entries.enumerated().map { index, entry in query(entry, number: index + 1, cellLimit: cellLimit) }
        let history = hasHistory
        let multiTenant = tenants.count > 1
        let tenantContexts: [MustacheValue] = tenants.enumerated().map { index, tenant in
            let mine = entries.indices.filter { entries[$0].tenantIndex == index }
            var value: [String: MustacheValue] = ["counts": .dictionary(Self.counts(mine.map { entries[$0] }))]
            value["name"] = .string(tenant.name ?? "tenant \(index + 1)")
            value["anchor"] = .string("t-" + ReportText.slug(tenant.name ?? "tenant-\(index + 1)"))
            value["endpoint"] = .string(tenant.result.endpoint.description)
            value["tenantId"] = tenant.result.endpoint.tenant.map(MustacheValue.string) ?? .null
            value["sampleData"] = .bool(tenant.result.endpoint.isSampleData)
            value["queries"] = .array(mine.map { queries[$0] })
            value["notes"] = .array(tenant.notes.map(MustacheValue.string))
            value["hasNotes"] = .bool(!tenant.notes.isEmpty)
            value["multiTenant"] = .bool(multiTenant)
            return .dictionary(value)
        }
        let severities: [MustacheValue] = QuerySeverity.allCases.reversed().map { severity in
            let matching = entries.filter { $0.outcome.query.query.metadata.severity == severity }
            let found = matching.filter { $0.status == .findings }
            let rows = found.reduce(0) { $0 + ($1.table?.rowCount ?? 0) }
            return [
                "name": .string(severity.rawValue),
                "label": .string(Self.label(severity)),
                "queries": .int(matching.count),
                "withFindings": .int(found.count),
                "rows": .int(rows),
                "rowsText": .string(ReportText.grouped(rows)),
                "newFindings": .int(found.reduce(0) { $0 + ($1.review?.newFindings ?? 0) }),
            ]
        }
        let chart = Charts.findings(entries.filter { $0.status == .findings }.map {
            Charts.FindingBar(
                label: (multiTenant ? "\($0.tenant ?? ""): " : "") + $0.outcome.query.query.metadata.title, anchor: "q-\($0.slug)",
                rows: $0.table?.rowCount ?? 0, severity: $0.outcome.query.query.metadata.severity.rawValue)
        })
        let endpoints = tenants.map(\.result.endpoint)
        let tenantIds = endpoints.compactMap(\.tenant)
        let expired: [MustacheValue] = expiredSuppressions.map(Self.suppression)
        let appendix: [MustacheValue] = entries.enumerated().compactMap { index, entry in
            guard let review = entry.review, !review.suppressed.isEmpty, let table = entry.outcome.table else { return nil }
            return appendixEntry(entry, review: review, table: table, number: index + 1, cellLimit: cellLimit)
        }
        return [
            "title": .string(options.title),
            "generator": .string(options.generator),
            "sampleData": .bool(isSampleData),
            "sampleDataNotice": sampleDataNotice.map(MustacheValue.string) ?? .null,
            "history": .bool(history),
            "multiTenant": .bool(multiTenant),
            "run": [
                "started": .string(ReportText.iso(started)),
                "finished": .string(ReportText.iso(finished)),
                "startedText": .string(ReportText.display(started)),
                "date": .string(ReportText.day(started)),
                "duration": .string(ReportText.duration(finished.timeIntervalSince(started))),
                "durationSeconds": Charts.number(finished.timeIntervalSince(started)),
                "endpoint": .string(endpoints.map(\.description).joined(separator: "; ")),
                "endpointKind": .string(Array(Set(endpoints.map(\.kind.rawValue))).sorted().joined(separator: ", ")),
                "endpointURL": .string(endpoints.map(\.url).joined(separator: " ")),
                "tenant": tenantIds.isEmpty ? .null : .string(tenantIds.joined(separator: ", ")),
            ],
            "counts": .dictionary(Self.counts(entries)),
            "tenants": .array(tenantContexts),
            "severities": .array(severities),
            "chart": chart,
            "hasFindings": .bool(entries.contains { $0.status == .findings }),
            "hasFailures": .bool(entries.contains { $0.status == .failed }),
            "queries": .array(queries),
            "expiredSuppressions": .array(expired),
            "hasExpiredSuppressions": .bool(!expired.isEmpty),
            "expiredSuppressionsText": .string(ReportText.count(expired.count, "suppression")),
            "appendix": .array(appendix),
            "notes": .array(notes.map(MustacheValue.string)),
            "hasNotes": .bool(!notes.isEmpty),
            "hasAppendix": .bool(!appendix.isEmpty),
            "formats": [
                "csv": .bool(options.formats.contains(.csv)),
                "json": .bool(options.formats.contains(.json)),
                "html": .bool(options.formats.contains(.html)),
                "markdown": .bool(options.formats.contains(.markdown)),
            ],
        ]
    }

    /// The counts of a group of entries (the whole report, or one tenant).
    static func counts(_ group: [Entry]) -> [String: MustacheValue] {
        let count = { (status: Status) in group.filter { $0.status == status }.count }
        let rows = group.reduce(0) { $0 + ($1.table?.rowCount ?? 0) }
        let new = group.reduce(0) { $0 + ($1.review?.newFindings ?? 0) }
        let resolved = group.reduce(0) { $0 + ($1.review?.resolved.count ?? 0) }
        let suppressed = group.reduce(0) { $0 + ($1.review?.suppressed.count ?? 0) }
        return [
            "queries": .int(group.count),
            "succeeded": .int(group.count - count(.failed)),
            "withFindings": .int(count(.findings)),
            "empty": .int(count(.empty)),
            "failed": .int(count(.failed)),
            "rows": .int(rows),
            "rowsText": .string(ReportText.grouped(rows)),
            "newFindings": .int(new),
            "newFindingsText": .string(ReportText.count(new, "new finding")),
            "hasNewFindings": .bool(new > 0),
            "resolved": .int(resolved),
            "resolvedText": .string(ReportText.count(resolved, "resolved finding")),
            "hasResolved": .bool(resolved > 0),
            "suppressed": .int(suppressed),
            "suppressedText": .string(ReportText.count(suppressed, "suppressed row")),
            "hasSuppressed": .bool(suppressed > 0),
        ]
    }

    /// A suppression as templates show it.
    static func suppression(_ suppression: SuppressionNote) -> MustacheValue {
        [
            "query": .string(suppression.query),
            "tenant": suppression.tenant.map(MustacheValue.string) ?? .null,
            "what": .string(suppression.what),
            "reason": .string(suppression.reason),
            "owner": .string(suppression.owner),
            "expires": .string(suppression.expiresText),
            "location": .string(suppression.location),
        ]
    }

    static func label(_ severity: QuerySeverity) -> String {
        switch severity {
        case .informational: "Informational"
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        }
    }

    private func query(_ entry: Entry, number: Int, cellLimit: Int) -> MustacheValue {
        let outcome = entry.outcome
        let query = outcome.query.query
        let metadata = query.metadata
        let provenance = outcome.provenance
        var value: [String: MustacheValue] = [
            "number": .int(number),
            "id": .string(query.id),
            "anchor": .string("q-\(entry.slug)"),
            "slug": .string(entry.slug),
            "path": .string(query.path),
            "title": .string(metadata.title),
            "description": metadata.description.isEmpty ? .null : .string(metadata.description),
            "severity": .string(metadata.severity.rawValue),
            "severityLabel": .string(Self.label(metadata.severity)),
            "mitre": .array(metadata.mitre.map { id in
                ["id": .string(id), "url": .string("https://attack.mitre.org/techniques/\(id.replacingOccurrences(of: ".", with: "/"))/")]
            }),
            "tags": .array(metadata.tags.map(MustacheValue.string)),
            "tagsText": metadata.tags.isEmpty ? .null : .string(metadata.tags.joined(separator: ", ")),
            "owner": metadata.owner.map(MustacheValue.string) ?? .null,
            "status": .string(entry.status.rawValue),
            "tenant": entry.tenant.map(MustacheValue.string) ?? .null,
            "hasFindings": .bool(entry.status == .findings),
            "failed": .bool(entry.status == .failed),
            "empty": .bool(entry.status == .empty),
            "parameters": .array(outcome.query.values.map { name, _ in
                [
                    "name": .string(name),
                    "value": .string(provenance.parameters[name] ?? ""),
                    "overridden": .bool(outcome.query.overridden.contains(name)),
                ]
            }),
            "hasParameters": .bool(!outcome.query.values.isEmpty),
            "queryText": .string(outcome.query.text),
            "fence": .string(Self.fence(for: outcome.query.text)),
            "contentHash": .string(provenance.contentHash),
            "attempts": .int(provenance.attempts),
            "attemptsText": .string(ReportText.count(provenance.attempts, "attempt")),
            "duration": .string(ReportText.duration(provenance.duration)),
            "requestIds": .array(provenance.requestIds.map(MustacheValue.string)),
            "defenderLink": .string(DefenderPortalLink.url(
                query: outcome.query.text, portalHost: DefenderPortalLink.portalHost(forEndpointURL: tenants[entry.tenantIndex].result.endpoint.url),
                timeRange: options.portalTimeRange)),
        ]
        switch outcome.result {
        case .success(let result):
            let table = entry.table ?? result.table
            let shown = min(options.rowLimit, table.rowCount)
            value["rowCount"] = .int(table.rowCount)
            value["rowCountText"] = .string(ReportText.count(table.rowCount, "row"))
            value["truncated"] = .bool(result.truncated)
            value["shownRows"] = .int(shown)
            value["hiddenRows"] = .int(table.rowCount - shown)
            value["hiddenRowsText"] = .string(ReportText.count(table.rowCount - shown, "more row"))
            value["allRowsShown"] = .bool(shown == table.rowCount)
            value["columns"] = .array(Self.columns(table))
            value["rows"] = .array(Self.rows(table, count: shown, cellLimit: cellLimit, marks: entry.review.map { review in
                { row in Self.mark(review, row: entry.resultRows[row]) }
            }))
            value["hasHiddenRows"] = .bool(shown < table.rowCount)
            value["histogram"] = Charts.histogram(table) ?? .null
            if options.formats.contains(.csv) { value["csvFile"] = .string(Self.csvPath(entry)) }
            if options.formats.contains(.json) { value["jsonFile"] = .string(Self.jsonPath(entry)) }
        case .failure(let error):
            var details: [String: MustacheValue] = [
                "kind": .string(error.kind.rawValue),
                "label": .string(ErrorText.label(error.kind)),
                "message": .string(error.message),
                "hint": .string(ErrorText.hint(error.kind)),
                "retryable": .bool(error.isRetryable),
            ]
            if let status = error.status { details["status"] = .int(status) }
            if let code = error.serviceCode { details["serviceCode"] = .string(code) }
            if let requestId = error.requestId { details["requestId"] = .string(requestId) }
            if let position = error.position {
                details["position"] = .string("line \(position.line), column \(position.column)")
            }
            value["error"] = .dictionary(details)
        }
        if let review = entry.review { value.merge(Self.history(review, cellLimit: cellLimit)) { $1 } }
        return .dictionary(value)
    }

    /// What the review adds to a query: new findings, resolved ones, suppressed rows.
    static func history(_ review: FindingReview, cellLimit: Int) -> [String: MustacheValue] {
        var value: [String: MustacheValue] = [
            "history": true,
            "newFindings": .int(review.newFindings),
            "newFindingsText": .string(ReportText.count(review.newFindings, "new finding")),
            "hasNew": .bool(review.newFindings > 0),
            "firstRun": .bool(review.comparedWith == nil && review.lastSuccess == nil),
            "comparedWith": review.comparedWith.map { .string(ReportText.display($0)) } ?? .null,
            "suppressedCount": .int(review.suppressed.count),
            "suppressedText": .string(ReportText.count(review.suppressed.count, "suppressed row")),
            "hasSuppressed": .bool(!review.suppressed.isEmpty),
            "resolvedUnknown": .bool(review.resolvedUnknown),
        ]
        if let columns = review.keyColumns {
            value["keyColumns"] = .string(columns.names.joined(separator: ", "))
            value["keyNote"] = columns.note.map(MustacheValue.string) ?? .null
        }
        let resolved: [MustacheValue] = review.resolved.map { finding in
            let pairs = zip(review.state.keyColumns, finding.values).map { name, text in
                ["name": .string(name), "value": .string(ReportText.shortened(text, to: cellLimit).text)] as MustacheValue
            }
            return [
                "key": .string(finding.key),
                "firstSeen": .string(ReportText.display(finding.firstSeen)),
                "values": .array(pairs),
                "valuesText": .string(zip(review.state.keyColumns, finding.values).map { "\($0)=\($1)" }.joined(separator: ", ")),
            ]
        }
        value["resolved"] = .array(resolved)
        value["resolvedCount"] = .int(resolved.count)
        value["resolvedText"] = .string(ReportText.count(resolved.count, "resolved finding"))
        value["hasResolved"] = .bool(!resolved.isEmpty)
        if let last = review.lastSuccess {
            value["lastSuccess"] = [
                "date": .string(ReportText.display(last.run)),
                "findings": .int(last.findings.count),
                "findingsText": .string(ReportText.count(last.findings.count, "finding")),
            ]
        }
        return value
    }

    /// A row's place in the history.
    static func mark(_ review: FindingReview, row: Int) -> [String: MustacheValue] {
        let new = review.isNew[row]
        return [
            "new": .bool(new),
            "key": .string(review.rowKeys[row]),
            "firstSeen": .string(ReportText.display(review.firstSeen[row])),
            "findingStatus": .string(new ? "new" : "present"),
        ]
    }

    /// The appendix entry of a query with suppressed rows.
    func appendixEntry(_ entry: Entry, review: FindingReview, table: KQLTable, number: Int, cellLimit: Int) -> MustacheValue {
        let rows = review.suppressed.map(\.row)
        let hidden = table.gather(rows)
        let shown = min(options.rowLimit, hidden.rowCount)
        let cells = Self.rows(hidden, count: shown, cellLimit: cellLimit) { index in
            var mark = Self.mark(review, row: rows[index])
            if case .dictionary(let details) = Self.suppression(review.suppressed[index].suppression) {
                mark["suppression"] = .dictionary(details)
            }
            return mark
        }
        return [
            "number": .int(number),
            "title": .string(entry.outcome.query.query.metadata.title),
            "anchor": .string("q-\(entry.slug)"),
            "tenant": entry.tenant.map(MustacheValue.string) ?? .null,
            "columns": .array(Self.columns(hidden)),
            "rows": .array(cells),
            "rowCount": .int(hidden.rowCount),
            "rowCountText": .string(ReportText.count(hidden.rowCount, "suppressed row")),
            "allRowsShown": .bool(shown == hidden.rowCount),
            "shownRows": .int(shown),
        ]
    }

    /// The columns of a table as templates show them.
    static func columns(_ table: KQLTable) -> [MustacheValue] {
        table.columns.enumerated().map { index, column in
            ["name": .string(column.name), "type": .string(column.type.rawValue), "index": .int(index),
             "numeric": .bool(Self.isNumeric(column.type))]
        }
    }

    /// A Markdown code fence longer than any run of backticks in `text`, so the text cannot close it.
    static func fence(for text: String) -> String {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    static func isNumeric(_ type: KQLScalarType) -> Bool {
        switch type {
        case .int, .long, .real, .decimal, .timespan: true
        default: false
        }
    }

    /// The first `count` rows as cells of display text, each cut to `cellLimit` characters, with
    /// what `marks` adds to each row (its history).
    static func rows(
        _ table: KQLTable, count: Int, cellLimit: Int, marks: ((Int) -> [String: MustacheValue])? = nil
    ) -> [MustacheValue] {
        let numeric = table.columns.map { isNumeric($0.type) }
        return (0..<count).map { row in
            let cells: [MustacheValue] = table.columns.enumerated().map { index, column in
                let value = column[row]
                let (text, cut) = ReportText.shortened(CellText.plain(value), to: cellLimit)
                var cell: [String: MustacheValue] = ["text": .string(text)]
                var classes: [String] = []
                if numeric[index] { cell["numeric"] = true; classes.append("num") }
                if value.isNull { cell["null"] = true; classes.append("null") }
                if cut { cell["shortened"] = true; classes.append("cut") }
                if !classes.isEmpty { cell["classes"] = .string(classes.joined(separator: " ")) }
                if case .timespan(let span) = value { cell["sortValue"] = .string(String(span.ticks)) }
                return .dictionary(cell)
            }
            var value = marks?(row) ?? [:]
            value["cells"] = .array(cells)
            return .dictionary(value)
        }
    }
}

/// How the report names each class of failure and what it tells the reader to do.
enum ErrorText {
    static func label(_ kind: HuntingError.Kind) -> String {
        switch kind {
        case .authentication: "Sign-in failed"
        case .permission: "Permission denied"
        case .syntax: "Syntax error"
        case .semantic: "Query error"
        case .missingTable: "Table not available"
        case .badRequest: "Request rejected"
        case .callQuota: "Call quota exhausted"
        case .cpuQuota: "CPU quota exhausted"
        case .resultTooLarge: "Result too large"
        case .timeout: "Timed out"
        case .transient: "Service unavailable"
        case .malformedResponse: "Unreadable response"
        case .cancelled: "Cancelled"
        case .unsupported: "Not supported"
        }
    }

    static func hint(_ kind: HuntingError.Kind) -> String {
        switch kind {
        case .authentication: "Check the credential settings; the run could not get a valid token."
        case .permission: "Grant the application ThreatHunting.Read.All (Graph) or AdvancedQuery.Read.All (legacy) and admin consent."
        case .syntax: "Fix the query text; run hunt check on the file to locate the problem."
        case .semantic: "A table, column or function the query names is wrong; run hunt check on the file."
        case .missingTable: "The tenant does not have this table (licence or workload); disable the query for this tenant."
        case .badRequest: "The service rejected the request; see the message."
        case .callQuota: "The tenant's call quota ran out; lower --width or --calls-per-minute, or spread the queries."
        case .cpuQuota: "The tenant's CPU allocation ran out; make the query cheaper (shorter lookback, earlier filters) or run it later."
        case .resultTooLarge: "Return fewer rows or columns (project, summarize, take)."
        case .timeout: "Make the query cheaper (shorter lookback, earlier filters) or raise --timeout."
        case .transient: "A passing service failure; it should succeed on the next run."
        case .malformedResponse: "The answer could not be read; if it repeats, report it with the request id."
        case .cancelled: "The run was stopped before this query finished."
        case .unsupported: "This backend cannot run the query; see the message."
        }
    }
}
