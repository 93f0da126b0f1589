// Generated from Templates/ by `HUNT_RECORD=1 swift test --filter ReportGolden`; do not edit.
// swift-format-ignore-file
enum BuiltinTemplates {
    static let files: [String: String] = [
        "error.html": ##"""
<div class="error" role="note">
<p><strong>{{error.label}}</strong><span class="facts-line">{{error.kind}}{{#error.status}} · HTTP {{error.status}}{{/error.status}}{{#error.serviceCode}} · {{error.serviceCode}}{{/error.serviceCode}}{{#error.position}} · at {{error.position}}{{/error.position}}</span></p>
<p class="message">{{error.message}}</p>
<p>{{error.hint}}</p>
{{#error.requestId}}
<p class="facts-line">Request id <code>{{error.requestId}}</code></p>
{{/error.requestId}}
</div>

"""##,
        "error.md": ##"""
> **{{error.label}}** ({{error.kind}}{{#error.status}}, HTTP {{error.status}}{{/error.status}}{{#error.serviceCode}} {{error.serviceCode}}{{/error.serviceCode}}){{#error.position}} at {{error.position}}{{/error.position}}: {{error.message}}
>
> {{error.hint}}{{#error.requestId}} Request id: {{error.requestId}}.{{/error.requestId}}


"""##,
        "index.html": ##"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="{{contentSecurityPolicy}}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>{{$title}}{{title}}{{/title}}</title>
<style>
{{$style}}
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #fff; --fg: #1c2230; --muted: #5a6372; --line: #dce0e6; --soft: #eef0f4; --head: #f7f8fa;
  --accent: #0a58b8; --focus: #2f7de1; --hover: #eef4fc;
  --warn-bg: #fff6da; --warn-fg: #5f4300; --warn-line: #e3bd55;
  --err-bg: #fdeeee; --err-fg: #8a1c1c; --err-line: #eeb4b4;
  --sample-a: #fff1bd; --sample-fg: #4d3500; --sample-line: #c99a12;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, "Cascadia Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --card: #171b22; --fg: #e4e8ee; --muted: #9aa4b2; --line: #2b323c; --soft: #1f252e; --head: #1c212a;
    --accent: #7cb6ff; --focus: #7cb6ff; --hover: #1d2735;
    --warn-bg: #382d0c; --warn-fg: #f7dc8b; --warn-line: #7a6118;
    --err-bg: #3a1618; --err-fg: #ffb8b1; --err-line: #7d2f2f;
    --sample-a: #3a300a; --sample-fg: #ffe39a; --sample-line: #a88416;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 var(--sans); }
.page { max-width: 1200px; margin: 0 auto; padding: 28px 20px 40px; }
h1 { font-size: 1.75rem; font-weight: 650; letter-spacing: -0.01em; line-height: 1.25; margin: 0; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
code { font-family: var(--mono); font-size: 0.86em; }
p { margin: 0 0 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.page-head { margin-bottom: 18px; }
.eyebrow { color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.08em; margin-bottom: 4px; }
.lede { color: var(--muted); margin: 6px 0 0; }
.lede a { font-weight: 600; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; min-width: 0; }
.none { color: var(--muted); font-style: italic; }
.table-wrap { overflow: auto; }
table.runs { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.runs th, .runs td { padding: 7px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.runs thead th { color: var(--muted); font-size: 0.8rem; font-weight: 600; white-space: nowrap; }
.runs tbody th { font-weight: 600; white-space: nowrap; }
.runs tbody th a { font-family: var(--mono); font-size: 0.9rem; }
.runs tbody tr:hover { background: var(--hover); }
.runs .num { text-align: right; }
.runs td.report { overflow-wrap: anywhere; min-width: 14ch; }
.runs td.started { white-space: nowrap; }
.runs tr.sample-run th { box-shadow: inset 3px 0 var(--sample-line); }
.sample-note { margin: 0 0 0.8rem; color: var(--muted); }
.badge { display: inline-block; margin-left: 6px; padding: 0 7px; border-radius: 999px; font-size: 0.72rem; font-weight: 600; font-family: var(--sans);
  color: var(--accent); border: 1px solid currentColor; }
.flag { display: inline-block; margin-left: 6px; font-size: 0.72rem; font-weight: 600; font-family: var(--sans); padding: 0 6px; border-radius: 4px;
  background: var(--sample-a); color: var(--sample-fg); border: 1px solid var(--sample-line); }
.fail { color: var(--err-fg); font-weight: 600; }
.unreadable { color: var(--err-fg); background: var(--err-bg); }
.page-foot { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 14px; margin-top: 8px; overflow-wrap: anywhere; }
@media (max-width: 820px) {
  .runs .history { display: none; }
}
@media (max-width: 560px) {
  .page { padding: 16px 10px 28px; }
  .card { padding: 14px 12px; }
  .runs td.started { display: none; }
}
@media print {
  :root { color-scheme: light;
    --bg: #fff; --card: #fff; --fg: #000; --muted: #444; --line: #bbb; --accent: #0a4fa0; --hover: transparent;
    --err-bg: #fdf0f0; --err-fg: #7a1515; --sample-a: #fff3c4; --sample-fg: #3d2a00; }
  .page { max-width: none; padding: 0; }
  .card { border-color: #bbb; }
  tr { break-inside: avoid; }
  a { color: inherit; }
}
{{/style}}
{{$extraStyle}}
{{/extraStyle}}
</style>
{{$head}}
{{/head}}
</head>
<body>
<div class="page">
{{$header}}
<header class="page-head">
<p class="eyebrow">Microsoft Defender advanced hunting</p>
<h1>{{title}}</h1>
<p class="lede">{{runCountText}}, newest first{{#latestReport}} · <a href="{{href}}">Open the latest report</a>{{/latestReport}}</p>
</header>
{{/header}}
<main>
{{$list}}
<section class="card" aria-labelledby="runs-heading">
<h2 id="runs-heading" class="visually-hidden">Runs</h2>
{{#hasSampleRuns}}
<p class="sample-note" role="note">Runs marked <span class="flag">sample data</span> were made from the built-in sample tenant, an emulator or exported tables, not from a real Defender tenant; each report says where its data came from.</p>
{{/hasSampleRuns}}
{{#hasRuns}}
<div class="table-wrap" role="region" aria-labelledby="runs-heading" tabindex="0">
<table class="runs">
<thead><tr><th scope="col">Run</th><th scope="col">Started</th><th scope="col">Report</th><th scope="col" class="num">Queries</th><th scope="col" class="num">With findings</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Rows</th><th scope="col" class="num history">New</th><th scope="col" class="num history">Resolved</th><th scope="col" class="num history">Suppressed</th></tr></thead>
<tbody>
{{#runs}}
<tr{{#sampleData}} class="sample-run"{{/sampleData}}>
<th scope="row"><a href="{{href}}">{{name}}</a>{{#latest}}<span class="badge">latest</span>{{/latest}}{{#sampleData}}<span class="flag">sample data</span>{{/sampleData}}</th>
<td class="started">{{#started}}<time datetime="{{started}}">{{startedText}}</time>{{/started}}{{^started}}{{startedText}}{{/started}}</td>
{{#readable}}
<td class="report"{{#notice}} title="{{notice}}"{{/notice}}>{{title}}</td>
<td class="num">{{counts.queries}}</td>
<td class="num">{{counts.withFindings}}</td>
<td class="num{{#failedAlert}} fail{{/failedAlert}}">{{counts.failed}}</td>
<td class="num">{{counts.rows}}</td>
<td class="num history">{{counts.newFindings}}</td>
<td class="num history">{{counts.resolved}}</td>
<td class="num history">{{counts.suppressed}}</td>
{{/readable}}
{{^readable}}
<td class="unreadable" colspan="8">manifest unreadable</td>
{{/readable}}
</tr>
{{/runs}}
</tbody>
</table>
</div>
{{/hasRuns}}
{{^hasRuns}}
<p class="none">No reports have been published here yet.</p>
{{/hasRuns}}
</section>
{{/list}}
</main>
{{$footer}}
<footer class="page-foot">
<p>Each run is a folder named after the UTC minute it started; <code>latest</code> is the newest run.</p>
</footer>
{{/footer}}
</div>
</body>
</html>

"""##,
        "query.html": ##"""
<section class="card query sev-{{severity}} status-{{status}}" id="{{anchor}}" aria-labelledby="{{anchor}}-title">
<header class="query-head">
<h2 id="{{anchor}}-title"><span class="num-prefix">{{number}}.</span> {{title}}</h2>
<div class="labels">
<span class="badge sev-{{severity}}">{{severityLabel}}</span>
{{#mitre}}
<a class="tag" href="{{url}}" target="_blank" rel="noopener noreferrer" title="MITRE ATT&amp;CK technique {{id}}">{{id}}</a>
{{/mitre}}
{{#tags}}
<span class="tag">{{.}}</span>
{{/tags}}
{{#owner}}
<span class="owner">Owner: {{owner}}</span>
{{/owner}}
</div>
</header>
{{#description}}
<p class="desc">{{description}}</p>
{{/description}}
{{#hasParameters}}
<ul class="params" aria-label="Parameters">
{{#parameters}}
<li><code>{{name}} = {{value}}</code>{{#overridden}}<span class="set">set for this run</span>{{/overridden}}</li>
{{/parameters}}
</ul>
{{/hasParameters}}
{{#failed}}
{{>error.html}}
{{#lastSuccess}}
<p class="note">Last successful run {{date}}: {{findingsText}}. This run is not compared with it; the next successful run will be.</p>
{{/lastSuccess}}
{{/failed}}
{{#history}}
{{^failed}}
<p class="history">{{#hasNew}}<strong>{{newFindingsText}}</strong>{{/hasNew}}{{^hasNew}}No new findings{{/hasNew}}{{#firstRun}} · first run of this query: every finding counts as new{{/firstRun}}{{#comparedWith}} · compared with the run of {{comparedWith}}{{/comparedWith}}{{#hasSuppressed}} · <a href="#suppressed">{{suppressedText}}</a>{{/hasSuppressed}}{{#keyColumns}} · findings told apart by {{keyColumns}}{{/keyColumns}}</p>
{{#keyNote}}
<p class="warn" role="note">{{keyNote}}</p>
{{/keyNote}}
{{#hasResolved}}
<details class="resolved">
<summary>{{resolvedText}} since the last run</summary>
<ul>
{{#resolved}}
<li><code>{{key}}</code> {{valuesText}} <span class="seen">first seen {{firstSeen}}</span></li>
{{/resolved}}
</ul>
</details>
{{/hasResolved}}
{{#resolvedUnknown}}
<p class="note">The result was cut at the service's row cap, so findings missing from it are not called resolved.</p>
{{/resolvedUnknown}}
{{/failed}}
{{/history}}
{{#empty}}
<p class="result-line none">No rows: nothing matched.</p>
{{/empty}}
{{#hasFindings}}
<p class="result-line"><strong>{{rowCountText}}</strong>{{^allRowsShown}} <span class="muted">· first {{shownRows}} shown</span>{{/allRowsShown}}{{#csvFile}}<a href="{{csvFile}}">CSV</a>{{/csvFile}}{{#jsonFile}}<a href="{{jsonFile}}">JSON</a>{{/jsonFile}}</p>
{{#truncated}}
<p class="warn" role="note"><strong>Truncated at 100,000 rows.</strong> The service returns at most 100,000 rows; this result was cut there. Narrow the query to see everything.</p>
{{/truncated}}
{{#histogram}}
<figure class="histogram">
<figcaption>Rows over time by Timestamp, {{bucket}} buckets, busiest {{peak}} rows</figcaption>
<svg viewBox="0 0 {{width}} {{height}}" preserveAspectRatio="none" role="img" aria-label="Rows over time from {{from}} to {{to}}, {{bucket}} buckets">
{{#bars}}
<rect x="{{x}}" y="{{y}}" width="{{width}}" height="{{height}}"><title>{{title}}</title></rect>
{{/bars}}
</svg>
<div class="axis"><span>{{from}}</span><span>{{to}}</span></div>
</figure>
{{/histogram}}
{{>table.html}}
{{^allRowsShown}}
<p class="note">First {{shownRows}} of {{rowCountText}} shown{{#csvFile}}; all rows are in <a href="{{csvFile}}">the CSV</a>{{/csvFile}}.</p>
{{/allRowsShown}}
{{/hasFindings}}
<details class="kql">
<summary>Query text</summary>
<div class="code">
<button type="button" class="copy" hidden>Copy</button>
<pre><code>{{queryText}}</code></pre>
</div>
</details>
<div class="actions">
<a class="open" href="{{defenderLink}}" target="_blank" rel="noopener noreferrer">Open in Defender ↗</a>
<p class="meta">{{duration}} · {{attemptsText}} · <code>{{id}}</code> · <code>{{path}}</code></p>
</div>
</section>

"""##,
        "query.md": ##"""
<a id="{{{anchor}}}"></a>

## {{number}}. {{title}}

**{{severityLabel}}**{{#mitre}} · [{{id}}]({{{url}}}){{/mitre}}{{#tagsText}} · tags: {{tagsText}}{{/tagsText}}{{#owner}} · owner: {{owner}}{{/owner}}

{{#description}}
{{description}}

{{/description}}
{{#hasParameters}}
| Parameter | Value |
|---|---|
{{#parameters}}
| {{name}} | {{value}}{{#overridden}} (set for this run){{/overridden}} |
{{/parameters}}

{{/hasParameters}}
{{#failed}}
{{>error.md}}
{{#lastSuccess}}
Last successful run {{date}}: {{findingsText}}. This run is not compared with it.

{{/lastSuccess}}
{{/failed}}
{{#history}}
{{^failed}}
{{#hasNew}}**{{newFindingsText}}**{{/hasNew}}{{^hasNew}}No new findings{{/hasNew}}{{#firstRun}} · first run of this query: every finding counts as new{{/firstRun}}{{#comparedWith}} · compared with the run of {{comparedWith}}{{/comparedWith}}{{#hasSuppressed}} · [{{suppressedText}}](#suppressed){{/hasSuppressed}}

{{#keyNote}}
> {{keyNote}}

{{/keyNote}}
{{#hasResolved}}
{{resolvedText}} since the last run:

{{#resolved}}
- `{{key}}` {{valuesText}} (first seen {{firstSeen}})
{{/resolved}}

{{/hasResolved}}
{{/failed}}
{{/history}}
{{#truncated}}
> **Truncated at 100,000 rows.** The service returns at most 100,000 rows; this result was cut there. Narrow the query to see everything.

{{/truncated}}
{{#empty}}
No rows.

{{/empty}}
{{#hasFindings}}
**{{rowCountText}}**{{^allRowsShown}}, the first {{shownRows}} shown{{/allRowsShown}}{{#csvFile}} · [CSV]({{{csvFile}}}){{/csvFile}}{{#jsonFile}} · [JSON]({{{jsonFile}}}){{/jsonFile}}

{{#histogram}}
Rows over time, {{from}} to {{to}} ({{bucket}} bars): {{sparkline}}

{{/histogram}}
{{>table.md}}

{{^allRowsShown}}
{{hiddenRowsText}} not shown{{#csvFile}}; all rows are in [the CSV]({{{csvFile}}}){{/csvFile}}.

{{/allRowsShown}}
{{/hasFindings}}
<details><summary>Query</summary>

{{{fence}}}kql
{{{queryText}}}
{{{fence}}}

</details>

[Open in Defender]({{{defenderLink}}}) · {{duration}}, {{attemptsText}} · {{path}}


"""##,
        "report.html": ##"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="{{contentSecurityPolicy}}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="{{generator}}">
<title>{{$title}}{{#sampleData}}[Sample data] {{/sampleData}}{{title}} · {{run.date}}{{/title}}</title>
<style>
{{$style}}
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #fff; --fg: #1c2230; --muted: #5a6372; --line: #dce0e6; --soft: #eef0f4; --head: #f7f8fa;
  --accent: #0a58b8; --focus: #2f7de1; --hover: #eef4fc;
  --warn-bg: #fff6da; --warn-fg: #5f4300; --warn-line: #e3bd55;
  --err-bg: #fdeeee; --err-fg: #8a1c1c; --err-line: #eeb4b4;
  --sample-a: #fff1bd; --sample-b: #ffe79a; --sample-fg: #4d3500; --sample-line: #c99a12;
  --high: #a61b1b; --high-bg: #fde8e8; --high-bar: #d92d20;
  --medium: #9c4100; --medium-bg: #fff0e1; --medium-bar: #ee7b17;
  --low: #735500; --low-bg: #fcf3c6; --low-bar: #d6a300;
  --informational: #2f5b8f; --informational-bg: #e7eff8; --informational-bar: #6d92c2;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, "Cascadia Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --card: #171b22; --fg: #e4e8ee; --muted: #9aa4b2; --line: #2b323c; --soft: #1f252e; --head: #1c212a;
    --accent: #7cb6ff; --focus: #7cb6ff; --hover: #1d2735;
    --warn-bg: #382d0c; --warn-fg: #f7dc8b; --warn-line: #7a6118;
    --err-bg: #3a1618; --err-fg: #ffb8b1; --err-line: #7d2f2f;
    --sample-a: #3a300a; --sample-b: #2e2608; --sample-fg: #ffe39a; --sample-line: #a88416;
    --high: #ffb4ab; --high-bg: #4c1d1a; --high-bar: #f26b5b;
    --medium: #ffc58f; --medium-bg: #4a2c10; --medium-bar: #f59a44;
    --low: #f3d36b; --low-bg: #3d3410; --low-bar: #d9b43a;
    --informational: #a9c7ee; --informational-bg: #1c2c42; --informational-bar: #7ea6d8;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 var(--sans); }
.page { max-width: 1200px; margin: 0 auto; padding: 28px 20px 40px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h1 { font-size: 1.75rem; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 1.2rem; font-weight: 620; }
h3 { font-size: 0.8rem; font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin-bottom: 8px; }
a { color: var(--accent); text-underline-offset: 2px; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 3px; }
code, pre { font-family: var(--mono); font-size: 0.86em; }
p { margin: 0 0 8px; }
.muted { color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.page-head { margin-bottom: 18px; }
.eyebrow { color: var(--muted); font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.08em; margin-bottom: 4px; }
.lede { color: var(--muted); margin: 6px 0 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 0 0 18px; min-width: 0; }
.sample { background: repeating-linear-gradient(135deg, var(--sample-a) 0 14px, var(--sample-b) 14px 28px); color: var(--sample-fg);
  border: 2px solid var(--sample-line); border-radius: 10px; padding: 12px 16px; margin: 0 0 18px; font-weight: 550; overflow-wrap: anywhere; }
.sample::before { content: "⚠"; margin-right: 8px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px 40px; margin: 0 0 18px; }
.facts div { min-width: 0; flex: 0 1 auto; }
.facts dt { color: var(--muted); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.06em; }
.facts dd { margin: 2px 0 0; overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin: 0 0 18px; padding: 0; list-style: none; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--head); }
.tile b { display: block; font-size: 1.6rem; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.2; }
.tile span { color: var(--muted); font-size: 0.85rem; }
.tile.alert { border-color: var(--err-line); background: var(--err-bg); color: var(--err-fg); }
.tile.alert span { color: inherit; }
.tile.found b { color: var(--accent); }
.split { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 24px; margin-bottom: 18px; }
@media (max-width: 820px) { .split { grid-template-columns: minmax(0, 1fr); } }
.sevs { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.sevs th, .sevs td { padding: 6px 4px; border-bottom: 1px solid var(--line); text-align: right; font-weight: normal; }
.sevs th:first-child, .sevs td:first-child { text-align: left; }
.sevs thead th { color: var(--muted); font-size: 0.8rem; white-space: nowrap; }
.sevs tr[data-queries="0"] td { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.78rem; font-weight: 600; white-space: nowrap;
  color: var(--informational); background: var(--informational-bg); border: 1px solid currentColor; border-color: color-mix(in srgb, currentColor 35%, transparent); }
.badge.sev-high { color: var(--high); background: var(--high-bg); }
.badge.sev-medium { color: var(--medium); background: var(--medium-bg); }
.badge.sev-low { color: var(--low); background: var(--low-bg); }
.chart { margin: 0; min-width: 0; }
.chart svg { display: block; width: 100%; height: auto; overflow: visible; }
.chart text { fill: var(--fg); font: 12px var(--sans); }
.chart .value { fill: var(--muted); font-variant-numeric: tabular-nums; }
.chart a:hover text, .chart a:focus text { text-decoration: underline; fill: var(--accent); }
.chart a:focus { outline: none; }
.chart a:focus rect { stroke: var(--focus); stroke-width: 2; }
.bar { fill: var(--informational-bar); }
.bar.sev-high { fill: var(--high-bar); }
.bar.sev-medium { fill: var(--medium-bar); }
.bar.sev-low { fill: var(--low-bar); }
.none { color: var(--muted); font-style: italic; }
.overview { width: 100%; border-collapse: collapse; }
.overview th, .overview td { padding: 7px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
.overview thead th { color: var(--muted); font-size: 0.8rem; font-weight: 600; }
.overview td:first-child, .overview th:first-child { text-align: right; color: var(--muted); width: 2.5em; font-variant-numeric: tabular-nums; }
.overview td:nth-child(2) { overflow-wrap: anywhere; }
.overview tbody tr:hover { background: var(--hover); }
.overview tr.sev-high td:first-child { box-shadow: inset 3px 0 var(--high-bar); }
.overview tr.sev-medium td:first-child { box-shadow: inset 3px 0 var(--medium-bar); }
.overview tr.sev-low td:first-child { box-shadow: inset 3px 0 var(--low-bar); }
.overview tr.sev-informational td:first-child { box-shadow: inset 3px 0 var(--informational-bar); }
.overview .status-empty a { color: var(--muted); }
.fail { color: var(--err-fg); font-weight: 600; }
.flag { display: inline-block; font-size: 0.75rem; padding: 0 6px; border-radius: 4px; background: var(--warn-bg); color: var(--warn-fg); border: 1px solid var(--warn-line); }
.query { border-left: 5px solid var(--informational-bar); scroll-margin-top: 12px; }
.query.sev-high { border-left-color: var(--high-bar); }
.query.sev-medium { border-left-color: var(--medium-bar); }
.query.sev-low { border-left-color: var(--low-bar); }
.query-head { margin-bottom: 10px; break-inside: avoid; break-after: avoid; }
.query-head h2 { overflow-wrap: anywhere; }
.num-prefix { color: var(--muted); font-weight: 500; margin-right: 4px; }
.labels { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 8px; font-size: 0.85rem; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 4px; background: var(--soft); color: var(--muted); overflow-wrap: anywhere; }
a.tag { color: var(--accent); text-decoration: none; font-family: var(--mono); font-size: 0.8rem; }
a.tag:hover { text-decoration: underline; }
.owner { color: var(--muted); }
.desc { max-width: 80ch; overflow-wrap: anywhere; }
.params { list-style: none; padding: 0; margin: 0 0 10px; display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 0.88rem; }
.params li { overflow-wrap: anywhere; min-width: 0; }
.params code { background: var(--soft); padding: 1px 5px; border-radius: 4px; }
.set { color: var(--warn-fg); background: var(--warn-bg); border-radius: 4px; padding: 0 5px; font-size: 0.78rem; margin-left: 4px; }
.result-line { font-size: 1rem; }
.result-line a { margin-left: 10px; font-size: 0.88rem; }
.warn, .error { border: 1px solid var(--warn-line); background: var(--warn-bg); color: var(--warn-fg); border-radius: 8px; padding: 10px 14px; margin: 0 0 12px; overflow-wrap: anywhere; }
.error { border-color: var(--err-line); background: var(--err-bg); color: var(--err-fg); }
.error p:last-child { margin: 0; }
.error .message { font-family: var(--mono); font-size: 0.86rem; white-space: pre-wrap; }
.error .facts-line { opacity: 0.85; font-size: 0.85rem; margin-left: 6px; }
.histogram { margin: 4px 0 14px; }
.histogram figcaption { font-size: 0.82rem; color: var(--muted); margin-bottom: 4px; }
.histogram svg { display: block; width: 100%; height: 64px; background: var(--head); border-bottom: 1px solid var(--line); }
.histogram rect { fill: var(--accent); opacity: 0.75; }
.histogram rect:hover { opacity: 1; }
.axis { display: flex; justify-content: space-between; gap: 10px; font-size: 0.78rem; color: var(--muted); }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; margin: 0 0 8px; }
.toolbar[hidden] { display: none; }
.filter { display: flex; align-items: center; gap: 8px; font-size: 0.88rem; color: var(--muted); }
.filter input { font: inherit; color: var(--fg); background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 5px 9px; width: min(22rem, 60vw); }
.count { font-size: 0.85rem; color: var(--muted); font-variant-numeric: tabular-nums; }
.table-wrap { overflow: auto; max-height: 72vh; border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px; }
table.rows { border-collapse: separate; border-spacing: 0; width: max-content; min-width: 100%; font: 12.5px/1.45 var(--mono); }
.rows th { position: sticky; top: 0; z-index: 1; background: var(--head); border-bottom: 1px solid var(--line); text-align: left; padding: 0; font-weight: 600; white-space: nowrap; }
.rows th button { all: unset; box-sizing: border-box; display: block; width: 100%; padding: 6px 22px 6px 10px; cursor: pointer; position: relative; }
.rows th button:focus-visible { outline: 2px solid var(--focus); outline-offset: -2px; }
.rows th button:hover { background: var(--hover); }
.rows th button::after { content: ""; position: absolute; right: 8px; top: 7px; font-size: 0.7rem; color: var(--accent); }
.rows th[aria-sort=ascending] button::after { content: "▲"; }
.rows th[aria-sort=descending] button::after { content: "▼"; }
.rows th.num button { text-align: right; }
.rows .type { display: block; font-weight: normal; font-size: 0.72rem; color: var(--muted); }
.rows td { padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; max-width: 60ch; min-width: 4ch; white-space: pre-wrap; word-break: break-word; overflow-wrap: anywhere; }
.rows td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rows tbody tr:nth-child(even) { background: var(--head); }
.rows tbody tr:hover { background: var(--hover); }
.rows td.null { background: var(--soft); }
.rows td.cut { color: var(--muted); cursor: help; }
.note { font-size: 0.88rem; color: var(--muted); }
.kql { margin: 10px 0; }
.kql summary { cursor: pointer; color: var(--muted); font-size: 0.9rem; width: max-content; }
.code { position: relative; margin-top: 8px; }
.code pre { margin: 0; padding: 12px 14px; background: var(--head); border: 1px solid var(--line); border-radius: 8px; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.code pre code { font-size: 0.82rem; }
button.copy, .open { font: 0.82rem var(--sans); color: var(--accent); background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 3px 10px; cursor: pointer; text-decoration: none; }
button.copy { position: absolute; top: 8px; right: 8px; }
button.copy:hover, .open:hover { background: var(--hover); }
.actions { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 14px; margin-top: 12px; padding-top: 10px; border-top: 1px solid var(--line); }
.meta { font-size: 0.8rem; color: var(--muted); overflow-wrap: anywhere; margin: 0; }
.status-empty .query-head h2 { color: var(--muted); }
.page-foot { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 14px; margin-top: 8px; overflow-wrap: anywhere; }
.page-foot .sample { font-size: 0.95rem; }
@media (max-width: 560px) {
  .page { padding: 16px 10px 28px; }
  .card { padding: 14px 12px; }
  .overview th:nth-child(3), .overview td:nth-child(3) { display: none; }
}
@media (max-width: 480px) { .chart { display: none; } }
@media print {
  :root { color-scheme: light;
    --bg: #fff; --card: #fff; --fg: #000; --muted: #444; --line: #bbb; --soft: #f2f2f2; --head: #f6f6f6; --accent: #0a4fa0; --hover: transparent;
    --warn-bg: #fff8e1; --warn-fg: #4d3800; --err-bg: #fdf0f0; --err-fg: #7a1515; --sample-a: #fff3c4; --sample-b: #fff3c4; --sample-fg: #3d2a00;
    --high: #8f1515; --high-bg: #fde8e8; --medium: #8a3a00; --medium-bg: #fff0e1; --low: #5e4600; --low-bg: #fcf3c6; --informational: #24496f; --informational-bg: #e7eff8;
    --high-bar: #d92d20; --medium-bar: #ee7b17; --low-bar: #d6a300; --informational-bar: #6d92c2; }
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .toolbar, button.copy, .open { display: none !important; }
  .rows th button { padding: 4px 8px; }
  .rows th button::after { content: none; }
  .table-wrap { overflow: visible; max-height: none; border: 0; }
  table.rows { width: 100%; font-size: 8pt; }
  .rows td { max-width: none; word-break: normal; overflow-wrap: break-word; }
  .rows th { position: static; }
  .card { break-inside: auto; border-color: #bbb; }
  .query-head, .histogram, .error, .warn, thead { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  tr { break-inside: avoid; }
  a { color: inherit; }
}
.new-badge { display: inline-block; font-size: 0.72rem; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; padding: 0 6px; border-radius: 4px; background: var(--high-bg); color: var(--high); border: 1px solid var(--high-bar); }
.rows tr.new td { background: var(--hover); }
.rows td.mark, .rows th.mark { white-space: nowrap; width: 1%; }
.seen { color: var(--muted); font-size: 0.8rem; }
.history { margin: 0.4rem 0; color: var(--muted); }
.history strong { color: var(--fg); }
.resolved ul { margin: 0.4rem 0 0.6rem; padding-left: 1.2rem; }
.resolved li { margin: 0.15rem 0; overflow-wrap: anywhere; }
.tenant-head { margin: 2rem 0 0.4rem; font-size: 1.35rem; }
.tenant-facts { color: var(--muted); margin: 0 0 1rem; }
.notes { margin: 0.4rem 0 1rem; }
.appendix h3 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
.expired li { margin: 0.2rem 0; overflow-wrap: anywhere; }
{{/style}}
{{$extraStyle}}
{{/extraStyle}}
</style>
{{$head}}
{{/head}}
</head>
<body>
<div class="page">
{{$header}}
<header class="page-head">
<p class="eyebrow">Microsoft Defender advanced hunting</p>
<h1>{{title}}</h1>
<p class="lede"><time datetime="{{run.started}}">{{run.startedText}}</time> · {{counts.queries}} queries in {{run.duration}}{{#sampleData}} · <strong>sample data</strong>{{/sampleData}}</p>
</header>
{{/header}}
<main>
{{$summary}}
{{>summary.html}}
{{/summary}}
{{$queries}}
{{#tenants}}
{{#multiTenant}}
<h2 class="tenant-head" id="{{anchor}}">Tenant {{name}}{{#sampleData}} <span class="flag">sample data</span>{{/sampleData}}</h2>
<p class="tenant-facts">{{endpoint}} · {{counts.queries}} queries: {{counts.withFindings}} with findings, {{counts.failed}} failed{{#counts.hasNewFindings}} · <strong>{{counts.newFindingsText}}</strong>{{/counts.hasNewFindings}}</p>
{{/multiTenant}}
{{#hasNotes}}
<ul class="notes warn" role="note">
{{#notes}}
<li>{{.}}</li>
{{/notes}}
</ul>
{{/hasNotes}}
{{#queries}}
{{>query.html}}
{{/queries}}
{{/tenants}}
{{/queries}}
{{$appendix}}
{{#hasAppendix}}
<section class="card appendix" id="suppressed" aria-labelledby="suppressed-heading">
<h2 id="suppressed-heading">Appendix: suppressed rows</h2>
<p class="note">These rows matched a suppression in the suppressions file, so they are left out of the tables above (and of the CSV and JSON files). Each shows why, whose decision it is and when it expires.</p>
{{#appendix}}
<h3><a href="#{{anchor}}">{{number}}. {{title}}</a>{{#tenant}} · {{tenant}}{{/tenant}} · {{rowCountText}}</h3>
<div class="table-wrap" role="region" aria-label="Suppressed rows of query {{number}}" tabindex="0">
<table class="rows">
<thead><tr><th scope="col">Reason</th><th scope="col">Owner</th><th scope="col">Expires</th>{{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}><button type="button">{{name}}<span class="type">{{type}}</span></button></th>{{/columns}}</tr></thead>
<tbody>
{{#rows}}
<tr><td>{{suppression.reason}}</td><td>{{suppression.owner}}</td><td title="{{suppression.location}}">{{suppression.expires}}</td>{{#cells}}<td{{#classes}} class="{{classes}}"{{/classes}}>{{text}}</td>{{/cells}}</tr>
{{/rows}}
</tbody>
</table>
</div>
{{^allRowsShown}}
<p class="note">First {{shownRows}} of {{rowCountText}} shown.</p>
{{/allRowsShown}}
{{/appendix}}
</section>
{{/hasAppendix}}
{{/appendix}}
</main>
{{$footer}}
<footer class="page-foot">
{{#sampleData}}
<p class="sample" role="note">{{sampleDataNotice}}</p>
{{/sampleData}}
<p>Generated by {{generator}} for the run from <time datetime="{{run.started}}">{{run.started}}</time> to <time datetime="{{run.finished}}">{{run.finished}}</time> against {{run.endpoint}}.</p>
</footer>
{{/footer}}
</div>
<script>
{{$script}}
'use strict';
(() => {
  const plural = (n) => n.toLocaleString('en-US') + (n === 1 ? ' row' : ' rows');

  // Sortable, filterable result tables. Data is read from the DOM only.
  const bodyRows = (table) => (table.tBodies[0] ? Array.from(table.tBodies[0].rows) : []);
  const sortKey = (cell, numeric) => {
    if (!cell || cell.classList.contains('null')) return null;
    const text = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent;
    if (!numeric) return text === '' ? null : text;
    const number = parseFloat(text);
    return Number.isNaN(number) ? null : number;
  };
  const compare = (a, b, numeric) => {
    if (numeric) return a < b ? -1 : a > b ? 1 : 0;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  };
  const sortTable = (table, index, numeric, ascending) => {
    const items = bodyRows(table).map((row, position) => ({ row, position, key: sortKey(row.cells[index], numeric) }));
    items.sort((a, b) => {
      if (a.key === null || b.key === null) {
        if (a.key === b.key) return a.position - b.position;
        return a.key === null ? 1 : -1; // null and empty cells last in both directions
      }
      const order = compare(a.key, b.key, numeric);
      return order !== 0 ? (ascending ? order : -order) : a.position - b.position;
    });
    const fragment = document.createDocumentFragment();
    items.forEach((item) => fragment.appendChild(item.row));
    table.tBodies[0].appendChild(fragment);
  };

  document.querySelectorAll('table.rows').forEach((table) => {
    if (!table.tHead || !table.tBodies[0]) return;
    const heads = Array.from(table.tHead.rows[0].cells);
    const numeric = heads.map((th) => th.classList.contains('num'));
    heads.forEach((th, index) => {
      const button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach((other) => other.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        sortTable(table, index, numeric[index], ascending);
      });
    });
  });

  document.querySelectorAll('.result').forEach((result) => {
    const table = result.querySelector('table.rows');
    const input = result.querySelector('input[type="search"]');
    const count = result.querySelector('.count');
    const toolbar = result.querySelector('.toolbar');
    if (!table || !input || !toolbar) return;
    const rows = bodyRows(table);
    let texts = null;
    const apply = () => {
      const needle = input.value.trim().toLowerCase();
      if (!texts) texts = rows.map((row) => row.textContent.toLowerCase());
      let shown = 0;
      rows.forEach((row, i) => {
        const match = needle === '' || texts[i].includes(needle);
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = needle === '' ? plural(rows.length) : shown.toLocaleString('en-US') + ' of ' + plural(rows.length);
    };
    input.addEventListener('input', apply);
    toolbar.hidden = false;
    if (count) count.textContent = plural(rows.length);
  });

  // Copy buttons next to the query text.
  document.querySelectorAll('button.copy').forEach((button) => {
    const code = button.parentElement ? button.parentElement.querySelector('pre code') : null;
    if (!code) return;
    let timer = 0;
    const say = (label) => {
      button.textContent = label;
      clearTimeout(timer);
      timer = setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    };
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      let copied = false;
      try { copied = document.execCommand('copy'); } catch (error) { copied = false; }
      say(copied ? 'Copied' : 'Selected: press Ctrl+C');
    };
    button.addEventListener('click', () => {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code.textContent).then(() => say('Copied'), select);
      } else {
        select();
      }
    });
    button.hidden = false;
  });
})();
{{/script}}
{{$extraScript}}
{{/extraScript}}
</script>
</body>
</html>

"""##,
        "report.md": ##"""
{{$header}}
# {{title}}

{{#sampleData}}
> **{{sampleDataNotice}}**

{{/sampleData}}
{{/header}}
{{$summary}}
{{>summary.md}}
{{/summary}}
{{$queries}}
{{#tenants}}
{{#multiTenant}}
# Tenant {{name}}{{#sampleData}} (sample data){{/sampleData}}

{{endpoint}} · {{counts.queries}} queries: {{counts.withFindings}} with findings, {{counts.failed}} failed{{#counts.hasNewFindings}} · **{{counts.newFindingsText}}**{{/counts.hasNewFindings}}

{{/multiTenant}}
{{#notes}}
> {{.}}

{{/notes}}
{{#queries}}
{{>query.md}}
{{/queries}}
{{/tenants}}
{{/queries}}
{{$appendix}}
{{#hasAppendix}}
<a id="suppressed"></a>

## Appendix: suppressed rows

These rows matched a suppression, so they are left out of the tables above (and of the CSV and JSON files).

{{#appendix}}
### [{{number}}. {{title}}](#{{{anchor}}}){{#tenant}} · {{tenant}}{{/tenant}} · {{rowCountText}}

| Reason | Owner | Expires |{{#columns}} {{name}} |{{/columns}}
|---|---|---|{{#columns}}---|{{/columns}}
{{#rows}}
| {{suppression.reason}} | {{suppression.owner}} | {{suppression.expires}} |{{#cells}} {{text}} |{{/cells}}
{{/rows}}

{{/appendix}}
{{/hasAppendix}}
{{/appendix}}
{{$footer}}
---

{{#sampleData}}
*{{sampleDataNotice}}*

{{/sampleData}}
Generated by {{generator}} for the run started {{run.started}}.
{{/footer}}

"""##,
        "summary.html": ##"""
<section class="card summary" aria-labelledby="summary-heading">
{{#sampleData}}
<p class="sample" role="note">{{sampleDataNotice}}</p>
{{/sampleData}}
<h2 id="summary-heading" class="visually-hidden">Summary</h2>
{{#hasNotes}}
<ul class="notes warn" role="note">
{{#notes}}
<li>{{.}}</li>
{{/notes}}
</ul>
{{/hasNotes}}
<dl class="facts">
<div><dt>Started</dt><dd><time datetime="{{run.started}}">{{run.startedText}}</time></dd></div>
<div><dt>Duration</dt><dd>{{run.duration}}</dd></div>
{{#run.tenant}}
<div><dt>Tenant</dt><dd>{{run.tenant}}</dd></div>
{{/run.tenant}}
<div><dt>Endpoint</dt><dd>{{run.endpoint}}</dd></div>
</dl>
<ul class="tiles">
<li class="tile"><b>{{counts.queries}}</b> <span>queries run</span></li>
<li class="tile{{#hasFindings}} found{{/hasFindings}}"><b>{{counts.withFindings}}</b> <span>with findings</span></li>
<li class="tile{{#hasFailures}} alert{{/hasFailures}}"><b>{{counts.failed}}</b> <span>failed</span></li>
<li class="tile"><b>{{counts.empty}}</b> <span>empty</span></li>
<li class="tile"><b>{{counts.rowsText}}</b> <span>rows in total</span></li>
{{#history}}
<li class="tile{{#counts.hasNewFindings}} found{{/counts.hasNewFindings}}"><b>{{counts.newFindings}}</b> <span>new since the last run</span></li>
<li class="tile"><b>{{counts.resolved}}</b> <span>resolved</span></li>
<li class="tile"><b>{{counts.suppressed}}</b> <span>suppressed rows</span></li>
{{/history}}
</ul>
{{#hasExpiredSuppressions}}
<div class="warn expired" role="note">
<p><strong>{{expiredSuppressionsText}} expired.</strong> They hide nothing any more; renew them with a new date or remove them from the suppressions file.</p>
<ul>
{{#expiredSuppressions}}
<li><code>{{query}}</code>{{#tenant}} ({{tenant}}){{/tenant}}: {{what}} — {{reason}} · owner {{owner}} · expired {{expires}} · <code>{{location}}</code></li>
{{/expiredSuppressions}}
</ul>
</div>
{{/hasExpiredSuppressions}}
<div class="split">
<div>
<h3>By severity</h3>
<table class="sevs">
<thead><tr><th scope="col">Severity</th><th scope="col">Queries</th><th scope="col">With findings</th><th scope="col">Rows</th></tr></thead>
<tbody>
{{#severities}}
<tr data-queries="{{queries}}"><th scope="row"><span class="badge sev-{{name}}">{{label}}</span></th><td>{{queries}}</td><td>{{withFindings}}</td><td>{{rowsText}}</td></tr>
{{/severities}}
</tbody>
</table>
</div>
<figure class="chart">
<figcaption><h3>Rows per query</h3></figcaption>
{{#hasFindings}}
<svg viewBox="0 0 {{chart.width}} {{chart.height}}" width="100%" role="group" aria-label="Rows per query with findings">
{{#chart.bars}}
<a href="#{{anchor}}"><title>{{title}}: {{rowCountText}}</title><text x="{{labelX}}" y="{{textY}}" text-anchor="end">{{label}}</text><rect class="bar sev-{{severity}}" x="{{barX}}" y="{{barY}}" width="{{barWidth}}" height="{{barHeight}}" rx="2"></rect><text class="value" x="{{countX}}" y="{{textY}}">{{rowsText}}</text></a>
{{/chart.bars}}
</svg>
{{#chart.hasMore}}
<p class="more note">{{chart.more}} more queries with findings are not charted; the table below lists them all.</p>
{{/chart.hasMore}}
{{/hasFindings}}
{{^hasFindings}}
<p class="none">No query returned rows.</p>
{{/hasFindings}}
</figure>
</div>
<h3>Queries</h3>
<table class="overview">
<thead><tr><th scope="col">#</th>{{#multiTenant}}<th scope="col">Tenant</th>{{/multiTenant}}<th scope="col">Query</th><th scope="col">Severity</th><th scope="col">Result</th>{{#history}}<th scope="col">New</th>{{/history}}</tr></thead>
<tbody>
{{#queries}}
<tr class="status-{{status}} sev-{{severity}}"><td>{{number}}</td>{{#multiTenant}}<td>{{tenant}}</td>{{/multiTenant}}<td><a href="#{{anchor}}">{{title}}</a></td><td><span class="badge sev-{{severity}}">{{severityLabel}}</span></td><td>{{#hasFindings}}<strong>{{rowCountText}}</strong>{{#truncated}} <span class="flag">truncated</span>{{/truncated}}{{/hasFindings}}{{#empty}}<span class="muted">no rows</span>{{/empty}}{{#failed}}<span class="fail">failed: {{error.label}}</span>{{/failed}}</td>{{#history}}<td>{{#failed}}—{{/failed}}{{^failed}}{{#hasNew}}<strong class="new-badge">{{newFindings}} new</strong>{{/hasNew}}{{^hasNew}}0{{/hasNew}}{{/failed}}</td>{{/history}}</tr>
{{/queries}}
</tbody>
</table>
</section>

"""##,
        "summary.md": ##"""
{{#notes}}
> {{.}}

{{/notes}}
| Run | |
|---|---|
| Started | {{run.startedText}} |
| Duration | {{run.duration}} |
| Endpoint | {{run.endpoint}} |
{{#run.tenant}}
| Tenant | {{run.tenant}} |
{{/run.tenant}}
| Queries | {{counts.queries}} run: {{counts.withFindings}} with findings, {{counts.empty}} empty, {{counts.failed}} failed |
| Rows | {{counts.rowsText}} |
{{#history}}
| New since the last run | {{counts.newFindingsText}}; {{counts.resolvedText}}; {{counts.suppressedText}} |
{{/history}}

| Severity | Queries | With findings | Rows |
|---|--:|--:|--:|
{{#severities}}
| {{label}} | {{queries}} | {{withFindings}} | {{rowsText}} |
{{/severities}}

{{#hasExpiredSuppressions}}
> **{{expiredSuppressionsText}} expired.** They hide nothing any more; renew them with a new date or remove them from the suppressions file.
>
{{#expiredSuppressions}}
> - `{{query}}`{{#tenant}} ({{tenant}}){{/tenant}}: {{what}} — {{reason}} · owner {{owner}} · expired {{expires}} · {{location}}
{{/expiredSuppressions}}

{{/hasExpiredSuppressions}}
| # |{{#multiTenant}} Tenant |{{/multiTenant}} Query | Severity | Result |{{#history}} New |{{/history}}
|--:|{{#multiTenant}}---|{{/multiTenant}}---|---|---|{{#history}}--:|{{/history}}
{{#queries}}
| {{number}} |{{#multiTenant}} {{tenant}} |{{/multiTenant}} [{{title}}](#{{{anchor}}}) | {{severityLabel}} | {{#hasFindings}}**{{rowCountText}}**{{#truncated}} (truncated){{/truncated}}{{/hasFindings}}{{#empty}}no rows{{/empty}}{{#failed}}failed: {{error.label}}{{/failed}} |{{#history}} {{#failed}}—{{/failed}}{{^failed}}{{#hasNew}}**{{newFindings}}**{{/hasNew}}{{^hasNew}}0{{/hasNew}}{{/failed}} |{{/history}}
{{/queries}}


"""##,
        "table.html": ##"""
<div class="result">
<div class="toolbar" hidden>
<label class="filter">Filter rows <input type="search" placeholder="Text in any cell" autocomplete="off" spellcheck="false"></label>
<output class="count" aria-live="polite">{{shownRows}} rows</output>
</div>
<div class="table-wrap" role="region" aria-label="Rows of query {{number}}" tabindex="0">
<table class="rows">
<thead><tr>{{#history}}<th scope="col" class="mark"><button type="button">Finding<span class="type">new / seen</span></button></th>{{/history}}{{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}><button type="button">{{name}}<span class="type">{{type}}</span></button></th>{{/columns}}</tr></thead>
<tbody>
{{#rows}}
<tr{{#new}} class="new"{{/new}}>{{#history}}<td class="mark" title="Finding key {{key}}, first seen {{firstSeen}}">{{#new}}<span class="new-badge">new</span>{{/new}}{{^new}}<span class="seen">seen</span>{{/new}}</td>{{/history}}{{#cells}}<td{{#classes}} class="{{classes}}"{{/classes}}{{#shortened}} title="Shortened for display{{#csvFile}}; the full value is in the CSV file{{/csvFile}}"{{/shortened}}{{#sortValue}} data-v="{{sortValue}}"{{/sortValue}}>{{text}}</td>{{/cells}}</tr>
{{/rows}}
</tbody>
</table>
</div>
</div>

"""##,
        "table.md": ##"""
|{{#history}} Finding |{{/history}}{{#columns}} {{name}} |{{/columns}}
|{{#history}}---|{{/history}}{{#columns}}{{#numeric}}--:{{/numeric}}{{^numeric}}---{{/numeric}}|{{/columns}}
{{#rows}}
|{{#history}} {{#new}}**new**{{/new}}{{^new}}seen{{/new}} |{{/history}}{{#cells}} {{text}} |{{/cells}}
{{/rows}}

"""##,
    ]
}
