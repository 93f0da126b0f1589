#!/usr/bin/env python3
"""Differential test of the local engine against duckdb-kql (issue 6): same data, same queries.

    python3 Benchmarks/differential.py [--keep] [NAME ...]

Exports the default sample tenant (`hunt-bench export --differential`: DeviceProcessEvents,
DeviceNetworkEvents, DeviceFileEvents, DeviceLogonEvents, DeviceEvents, DeviceInfo; datetimes at
whole microseconds, which is what DuckDB's TIMESTAMP holds), runs every query of QUERIES through
our engine (`hunt-bench engine --differential --print`) and through duckdb-kql on DuckDB tables
loaded from that export (Benchmarks/engine_peer.py), with now() pinned to the tenant's end on both
sides, and prints every difference: an error on one side, column names, column types, row counts
and values. Rows are compared as multisets unless the query sorts (`ordered`); reals with a
relative tolerance of 1e-9; `make_set` results as sets. Exits 0 whatever it finds (a difference is
a finding to classify, see Benchmarks/README.md "Differential results"); the details go to
Benchmarks/results/differential.json.

Runs itself under Benchmarks/.venv/bin/python (made by bench.py, with duckdb and duckdb-kql) when
the running Python lacks duckdb_kql. NAME arguments run only the queries of those names.
"""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
DATA = RESULTS / "differential-data"

# Hunting-shaped queries both engines claim to support. `ordered`: the query sorts, so row order
# is part of the answer. The tenant's window is 2026-11-17 .. 2026-11-24 (now).
QUERIES = [
    # Filters
    {"name": "where =~ | summarize count by", "kql": 'DeviceProcessEvents | where FileName =~ "POWERSHELL.EXE" | summarize count() by DeviceName'},
    {"name": "where has", "kql": 'DeviceProcessEvents | where ProcessCommandLine has "bypass" | project Timestamp, DeviceName, FileName, ProcessCommandLine'},
    {"name": "where has (term in path)", "kql": 'DeviceProcessEvents | where FolderPath has "System32" | summarize count() by FileName'},
    {"name": "where !has", "kql": 'DeviceProcessEvents | where ProcessCommandLine !has "chrome" and FileName != "svchost.exe" | summarize count() by FileName'},
    {"name": "where contains", "kql": 'DeviceNetworkEvents | where RemoteUrl contains "microsoft" | summarize count() by RemoteUrl'},
    {"name": "where contains_cs", "kql": 'DeviceProcessEvents | where ProcessCommandLine contains_cs "Bypass" | count'},
    {"name": "where in~", "kql": 'DeviceProcessEvents | where FileName in~ ("POWERSHELL.exe", "cmd.exe", "rundll32.EXE") | summarize count(), dcount(DeviceId) by FileName'},
    {"name": "where in / !in", "kql": 'DeviceNetworkEvents | where RemotePort in (80, 443) and ActionType !in ("ConnectionFailed") | summarize count() by RemotePort, ActionType'},
    {"name": "where startswith / endswith", "kql": 'DeviceFileEvents | where FolderPath startswith @"C:\\Users" and FileName endswith ".exe" | summarize count() by FileName'},
    {"name": "where between datetimes", "kql": "DeviceLogonEvents | where Timestamp between (datetime(2026-11-20) .. datetime(2026-11-21)) | count"},
    {"name": "where between numbers", "kql": "DeviceNetworkEvents | where RemotePort between (50 .. 100) | summarize count() by RemotePort"},
    {"name": "where ago()", "kql": "DeviceProcessEvents | where Timestamp > ago(1d) | summarize count() by ActionType"},
    {"name": "where has_any", "kql": 'DeviceProcessEvents | where ProcessCommandLine has_any ("encodedcommand", "downloadstring", "hidden", "-enc") | project Timestamp, DeviceName, ProcessCommandLine'},
    {"name": "where matches regex", "kql": 'DeviceProcessEvents | where ProcessCommandLine matches regex @"(?i)-e(nc|ncodedcommand)?\\s+[A-Za-z0-9+/=]{16,}" | project Timestamp, DeviceName, FileName'},
    {"name": "where isempty / isnotempty", "kql": "DeviceNetworkEvents | summarize Empty = countif(isempty(RemoteUrl)), NotEmpty = countif(isnotempty(RemoteUrl))"},
    # Aggregation
    {"name": "summarize sum avg min max", "kql": "DeviceFileEvents | summarize sum(FileSize), avg(FileSize), min(FileSize), max(FileSize) by ActionType"},
    {"name": "summarize make_set", "kql": 'DeviceNetworkEvents | where RemoteUrl != "" | summarize Urls = make_set(RemoteUrl) by InitiatingProcessFileName'},
    {"name": "summarize arg_max", "kql": "DeviceLogonEvents | summarize arg_max(Timestamp, AccountName, LogonType) by DeviceName"},
    {"name": "summarize min/max datetime", "kql": "DeviceProcessEvents | summarize First = min(Timestamp), Last = max(Timestamp) by AccountName"},
    {"name": "summarize countif dcountif", "kql": 'DeviceLogonEvents | summarize Failed = countif(ActionType == "LogonFailed"), Users = dcountif(AccountName, ActionType == "LogonSuccess") by DeviceName'},
    {"name": "summarize by bin(Timestamp, 1d)", "kql": "DeviceProcessEvents | summarize count() by bin(Timestamp, 1d) | sort by Timestamp asc", "ordered": True},
    {"name": "summarize by bin(Timestamp, 1h) after ago", "kql": "DeviceNetworkEvents | where Timestamp > ago(6h) | summarize Connections = count() by bin(Timestamp, 1h), ActionType"},
    {"name": "summarize by bin(number)", "kql": "DeviceFileEvents | summarize count() by bin(FileSize, 1000000)"},
    {"name": "summarize avg of int, round", "kql": "DeviceNetworkEvents | summarize AvgPort = round(avg(RemotePort), 2) by Protocol"},
    {"name": "summarize without by", "kql": "DeviceProcessEvents | summarize Rows = count(), Devices = dcount(DeviceId), Accounts = dcount(AccountName)"},
    # Joins
    {"name": "join inner on two keys", "kql": 'DeviceProcessEvents | where FileName in~ ("powershell.exe", "msedge.exe") | project DeviceId, ProcessId, FileName | join kind=inner (DeviceNetworkEvents | project DeviceId, ProcessId = InitiatingProcessId, RemoteIP, RemotePort) on DeviceId, ProcessId | summarize count() by FileName, RemotePort'},
    {"name": "join $left/$right", "kql": "DeviceProcessEvents | join kind=inner (DeviceNetworkEvents) on DeviceId, $left.ProcessId == $right.InitiatingProcessId | summarize count() by RemotePort"},
    {"name": "join leftouter", "kql": "DeviceInfo | summarize arg_max(Timestamp, DeviceName) by DeviceId | join kind=leftouter (DeviceLogonEvents | summarize Logons = count() by DeviceId) on DeviceId | project DeviceName, Logons"},
    {"name": "join leftanti", "kql": 'DeviceNetworkEvents | distinct DeviceId | join kind=leftanti (DeviceLogonEvents | where ActionType == "LogonFailed" | distinct DeviceId) on DeviceId | count'},
    {"name": "join leftsemi", "kql": 'DeviceProcessEvents | where FileName =~ "powershell.exe" | join kind=leftsemi (DeviceNetworkEvents | where RemotePort == 443) on DeviceId | summarize count() by DeviceName'},
    {"name": "join default kind (innerunique)", "kql": "DeviceLogonEvents | project DeviceId, AccountName | join (DeviceInfo | project DeviceId, OSPlatform) on DeviceId | summarize count() by OSPlatform"},
    {"name": "join rightouter", "kql": "DeviceLogonEvents | summarize Logons = count() by DeviceName | join kind=rightouter (DeviceProcessEvents | summarize Processes = count() by DeviceName) on DeviceName | summarize Devices = count(), WithoutLogons = countif(isnull(Logons))"},
    # Tabular operators
    {"name": "project / extend", "kql": 'DeviceNetworkEvents | where RemotePort == 445 | extend Target = strcat(RemoteIP, ":", tostring(RemotePort)) | project Timestamp, DeviceName, Target'},
    {"name": "top by", "kql": "DeviceFileEvents | top 5 by Timestamp desc | project Timestamp, DeviceName, FileName", "ordered": True},
    {"name": "sort and take", "kql": "DeviceLogonEvents | sort by Timestamp asc | take 7 | project Timestamp, AccountName, ActionType", "ordered": True},
    {"name": "distinct", "kql": "DeviceProcessEvents | distinct AccountName, AccountDomain"},
    {"name": "count operator", "kql": "DeviceEvents | count"},
    {"name": "project-away / project-rename", "kql": "DeviceInfo | project DeviceName, OSPlatform, OSBuild | project-rename Platform = OSPlatform | project-away OSBuild | distinct DeviceName, Platform"},
    {"name": "let with dynamic list", "kql": 'let watched = dynamic(["powershell.exe", "rundll32.exe", "schtasks.exe"]); DeviceProcessEvents | where FileName in~ (watched) | summarize count() by FileName'},
    {"name": "union", "kql": 'union DeviceProcessEvents, DeviceFileEvents | where InitiatingProcessFileName =~ "powershell.exe" | summarize count() by ActionType'},
    {"name": "mv-expand split", "kql": 'DeviceProcessEvents | where FileName == "powershell.exe" | extend Part = split(ProcessCommandLine, " ") | mv-expand Part to typeof(string) | summarize count() by Part'},
    {"name": "mv-expand dynamic array", "kql": "DeviceEvents | where ActionType == \"DnsQueryResponse\" | extend Answers = parse_json(AdditionalFields).DnsQueryResult | mv-expand Answers | summarize count() by Address = tostring(Answers.Address)"},
    # Operator semantics: sort order and nulls, integer and datetime arithmetic, column order
    {"name": "sort strings (ordinal, case)", "kql": "DeviceProcessEvents | distinct FileName | sort by FileName asc", "ordered": True},
    {"name": "sort desc with nulls", "kql": "DeviceEvents | summarize by ProcessCreationTime | sort by ProcessCreationTime desc | take 3", "ordered": True},
    {"name": "sort asc with nulls", "kql": "DeviceEvents | summarize by ProcessCreationTime | sort by ProcessCreationTime asc | take 3", "ordered": True},
    {"name": "integer division and modulo", "kql": "DeviceNetworkEvents | extend Block = RemotePort / 100, Rest = LocalPort % 7, Negative = -LocalPort / 1000 | summarize count() by Block, Rest, Negative"},
    {"name": "datetime arithmetic", "kql": "DeviceLogonEvents | where Timestamp > datetime(2026-11-23) - 12h | extend Later = Timestamp + 90m | summarize min(Later), max(Later), count()"},
    {"name": "timespan division", "kql": "DeviceProcessEvents | extend Hours = (Timestamp - InitiatingProcessCreationTime) / 1h | summarize max(Hours), min(Hours), avg(Hours)"},
    {"name": "sum of int is long, avg is real", "kql": "DeviceNetworkEvents | summarize Total = sum(RemotePort), Mean = avg(RemotePort), Top = max(RemotePort)"},
    {"name": "where on a bool column", "kql": "DeviceLogonEvents | where IsLocalAdmin | summarize count() by AccountName"},
    {"name": "summarize by a bool column", "kql": "DeviceLogonEvents | summarize count() by IsLocalAdmin, ActionType"},
    {"name": "extend replaces a column in place", "kql": 'DeviceInfo | take 3 | project DeviceName, OSPlatform, OSBuild | extend OSPlatform = "x" | getschema | project ColumnName', "ordered": True},
    {"name": "hasprefix / hassuffix / has_cs", "kql": 'DeviceProcessEvents | where ProcessCommandLine hasprefix "Bypa" or ProcessCommandLine hassuffix "exe" or ProcessCommandLine has_cs "NoProfile" | summarize count() by FileName'},
    {"name": "!startswith / !in~ / !contains", "kql": 'DeviceFileEvents | where FolderPath !startswith @"c:\windows" and FileName !in~ ("CHROME.EXE") and FileName !contains "tmp" | summarize count() by ActionType'},
    {"name": "in is case-sensitive", "kql": 'DeviceProcessEvents | where FileName in ("POWERSHELL.EXE", "svchost.exe") | summarize count() by FileName'},
    {"name": "arg_min with *", "kql": "DeviceLogonEvents | summarize arg_min(Timestamp, *) by AccountName | project AccountName, Timestamp, DeviceName, ActionType"},
    {"name": "count_distinct", "kql": "DeviceNetworkEvents | summarize count_distinct(RemoteIP) by Protocol"},
    {"name": "join fullouter", "kql": 'DeviceLogonEvents | where ActionType == "LogonFailed" | summarize Failed = count() by DeviceName | join kind=fullouter (DeviceInfo | where OSPlatform == "WindowsServer2022" | distinct DeviceName) on DeviceName | project DeviceName, DeviceName1, Failed'},
    {"name": "let tabular, self-join", "kql": 'let ps = DeviceProcessEvents | where FileName =~ "powershell.exe" | project DeviceId, ProcessId, Timestamp; ps | join kind=inner (ps | project DeviceId, Later = Timestamp) on DeviceId | where Later > Timestamp | summarize count()'},
    {"name": "union of projections", "kql": 'union (DeviceProcessEvents | project Timestamp, ActionType, InitiatingProcessFileName), (DeviceFileEvents | project Timestamp, ActionType, InitiatingProcessFileName) | where InitiatingProcessFileName =~ "powershell.exe" | summarize count() by ActionType'},
    {"name": "lookup", "kql": "DeviceLogonEvents | summarize Logons = count() by DeviceId | lookup (DeviceInfo | summarize arg_max(Timestamp, DeviceName) by DeviceId) on DeviceId | project DeviceName, Logons"},
    {"name": "string comparison operators", "kql": 'DeviceProcessEvents | where FileName > "m" and FileName <= "svchost.exe" | summarize count() by FileName'},
    {"name": "top-level take after summarize + sort", "kql": "DeviceNetworkEvents | summarize Connections = count() by RemoteIP | sort by Connections desc, RemoteIP asc | take 5", "ordered": True},
    # Scalar functions
    {"name": "string functions", "kql": "DeviceProcessEvents | extend Lower = tolower(FileName), Upper = toupper(FileName), Length = strlen(ProcessCommandLine) | summarize max(Length), min(Length) by Lower, Upper"},
    {"name": "substring / indexof / replace_string", "kql": 'DeviceFileEvents | extend Drive = substring(FolderPath, 0, 2), Slash = indexof(FolderPath, "\\\\"), Forward = replace_string(FolderPath, "\\\\", "/") | summarize count(), max(Slash), any_forward = max(Forward) by Drive'},
    {"name": "extract", "kql": 'DeviceNetworkEvents | where RemoteUrl != "" | extend Tld = extract(@"\\.([a-z]+)$", 1, RemoteUrl) | summarize count() by Tld'},
    {"name": "split and index", "kql": 'DeviceProcessEvents | extend Dir = tostring(split(FolderPath, "\\\\")[1]) | summarize count() by Dir'},
    {"name": "trim / strcat_delim", "kql": 'DeviceLogonEvents | extend Account = strcat_delim("\\\\", AccountDomain, AccountName), Trimmed = trim(@"\\s", " x ") | summarize count() by Account, Trimmed'},
    {"name": "parse_json property", "kql": 'DeviceEvents | where ActionType == "AntivirusScanCompleted" | extend Duration = toint(parse_json(AdditionalFields).DurationSeconds) | summarize sum(Duration), count() by DeviceName'},
    {"name": "iff / case", "kql": 'DeviceNetworkEvents | extend Kind = iff(RemotePort == 443, "https", case(RemotePort == 80, "http", RemotePort == 53, "dns", "other")) | summarize count() by Kind'},
    {"name": "datetime parts", "kql": "DeviceLogonEvents | extend Hour = hourofday(Timestamp), Day = dayofweek(Timestamp), Month = getmonth(Timestamp), Year = getyear(Timestamp) | summarize count() by Hour, Day, Month, Year"},
    {"name": "startofday / startofweek", "kql": "DeviceProcessEvents | summarize count() by Day = startofday(Timestamp), Week = startofweek(Timestamp)"},
    {"name": "datetime_diff / datetime_add", "kql": "DeviceProcessEvents | extend Minutes = datetime_diff('minute', Timestamp, InitiatingProcessCreationTime), Later = datetime_add('hour', 1, Timestamp) | summarize max(Minutes), min(Minutes), max(Later)"},
    {"name": "format_datetime", "kql": "DeviceLogonEvents | summarize count() by Day = format_datetime(Timestamp, 'yyyy-MM-dd')"},
    {"name": "timespan arithmetic", "kql": "DeviceProcessEvents | extend Age = Timestamp - InitiatingProcessCreationTime | summarize Longest = max(Age), Shortest = min(Age) by FileName"},
    {"name": "todatetime / tostring", "kql": "DeviceInfo | extend Text = tostring(Timestamp), Back = todatetime(tostring(Timestamp)) | summarize count() by Same = Back == Timestamp"},
    {"name": "tolong / toint / arithmetic", "kql": "DeviceNetworkEvents | extend PortBlock = toint(RemotePort / 100) * 100, Big = tolong(LocalPort) * 1000 | summarize count(), sum(Big) by PortBlock"},
    {"name": "array_length(make_set())", "kql": "DeviceProcessEvents | summarize Files = array_length(make_set(FileName)) by AccountName"},
    # Edge cases of scalar semantics (print and small inputs)
    {"name": "has with punctuation terms", "kql": 'DeviceProcessEvents | summarize Exe = countif(ProcessCommandLine has "svchost.exe"), Sys = countif(FolderPath has @"\\System32\\"), Dash = countif(ProcessCommandLine has "-k"), Part = countif(ProcessCommandLine has "svch")'},
    {"name": "has_all / startswith_cs / endswith_cs", "kql": 'DeviceProcessEvents | summarize All = countif(ProcessCommandLine has_all ("powershell", "bypass")), Cs = countif(FileName startswith_cs "Ms"), End = countif(FolderPath endswith_cs ".EXE")'},
    {"name": "empty input, no group keys", "kql": 'DeviceProcessEvents | where FileName == "no-such-file" | summarize count(), sum(FileSize), max(FileSize), avg(FileSize), dcount(DeviceId), make_set(FileName)'},
    {"name": "empty input, with group keys", "kql": 'DeviceProcessEvents | where FileName == "no-such-file" | summarize count() by DeviceName'},
    {"name": "sort nulls first / last", "kql": "DeviceEvents | summarize by ProcessCreationTime | sort by ProcessCreationTime desc nulls first | take 2", "ordered": True},
    {"name": "tostring of real, datetime, timespan, bool", "kql": "print a = tostring(1.0), b = tostring(2.5), c = tostring(1.0/3), d = tostring(datetime(2026-11-17 08:00:00.5)), e = tostring(90m), f = tostring(true), g = tostring(1e20), h = tostring(int(null))"},
    {"name": "strcat with non-strings", "kql": "print s = strcat(\"t=\", datetime(2026-11-17), \" n=\", 42, \" r=\", 0.5, \" b=\", false, \" d=\", 1d)"},
    {"name": "round halfway", "kql": "print a = round(2.5), b = round(-2.5), c = round(0.125, 2)"},
    {"name": "floor / bin / ceiling on reals", "kql": "print d = floor(-1.5, 1), e = bin(-7, 5), f = bin(7.5, 2.0), g = ceiling(1.2), h = round(2.567, 2)"},
    {"name": "long overflow", "kql": "print a = 9223372036854775807 + 1"},
    {"name": "division by zero and modulo signs", "kql": "print c = 7.0 / 0, d = 0.0 / 0, e = 7 % -3, f = -7 % 3"},
    {"name": "integer division by zero", "kql": "print b = 7 / 0"},
    {"name": "toint / tolong / todouble / tobool from text", "kql": 'print a = toint("12"), b = toint("12abc"), c = toint(3.9), d = toint(-3.9), e = tolong("9007199254740993"), f = todouble("1e3"), g = tobool("True"), h = tobool("yes"), i = toint(" 7 ")'},
    {"name": "strlen / substring / toupper on non-ASCII", "kql": 'print a = strlen("héllo"), b = strlen("😀x"), c = substring("héllo", 1, 3), d = toupper("straße"), e = tolower("ÄÖÜ"), f = substring("abc", 5), g = substring("abcdef", -2)'},
    {"name": "split edge cases and negative index", "kql": 'print a = split("a,,b,", ","), c = split(@"a\\b\\c", @"\\")[-1], d = array_length(split("", ","))'},
    {"name": "split with an empty delimiter", "kql": 'print b = split("abc", "")'},
    {"name": "extract / extract_all / replace_regex", "kql": 'print a = extract(@"(\d+)", 1, "ab12cd34"), b = extract("(x)", 1, "abc"), c = extract(@"\d+", 0, "ab12"), d = extract_all(@"(\d)", "a1b2c3"), e = replace_regex("a1b2", @"\d", "#"), f = countof("abcabc", "bc")'},
    {"name": "indexof / trim_start / trim_end / reverse", "kql": 'print a = indexof("abcabc", "c"), b = indexof("abc", "z"), d = trim_start("x", "xxabx"), e = trim_end("x", "xxabx"), f = reverse("abc")'},
    {"name": "iff / case / coalesce with nulls", "kql": "print a = iff(bool(null), 1, 2), b = case(int(null) > 1, \"x\", \"y\"), c = coalesce(long(null), 5), d = coalesce(\"\", \"x\"), e = isnull(\"\"), f = isempty(\"\"), g = isnull(long(null))"},
    {"name": "datetime bin and startof*", "kql": "print a = bin(datetime(2026-11-19 13:47), 7d), b = bin(datetime(2026-11-19 13:47), 1h), c = startofweek(datetime(2026-11-19)), d = startofmonth(datetime(2026-11-19)), e = startofyear(datetime(2026-11-19)), f = endofday(datetime(2026-11-19))"},
    {"name": "datetime_diff units", "kql": "print a = datetime_diff('week', datetime(2026-11-30), datetime(2026-11-17)), b = datetime_diff('month', datetime(2026-11-01), datetime(2026-10-31)), c = datetime_diff('day', datetime(2026-11-17 23:59), datetime(2026-11-17 00:01)), d = datetime_diff('second', datetime(2026-11-17), datetime(2026-11-18))"},
    {"name": "format_datetime specifiers", "kql": "print a = format_datetime(datetime(2026-11-17 08:05:09.1234567), 'yyyy-MM-dd HH:mm:ss.fff'), b = format_datetime(datetime(2026-11-17 20:05), 'h:mm tt'), c = format_datetime(datetime(2026-01-02), 'M/d/yy')"},
    {"name": "format_timespan", "kql": "print a = format_timespan(1d + 2h + 3m + 4s, 'd.hh:mm:ss')"},
    {"name": "timespan division and negation", "kql": "print b = 90m / 1h, c = 1d / 7, d = -90m"},
    {"name": "now() and ago() pinned", "kql": "print n = now(), a = ago(1d), b = now() - ago(90m)"},
    {"name": "percentile", "kql": "DeviceNetworkEvents | summarize percentile(RemotePort, 50), percentile(LocalPort, 90)"},
    {"name": "stdev / variance", "kql": "DeviceNetworkEvents | summarize stdev(RemotePort), variance(RemotePort)"},
    {"name": "stdevp / variancep", "kql": "DeviceNetworkEvents | summarize stdevp(RemotePort), variancep(RemotePort)"},
    {"name": "indexof with a start", "kql": 'print c = indexof("abcabc", "c", 3)'},
    {"name": "ipv4_is_private", "kql": "DeviceNetworkEvents | summarize count() by Private = ipv4_is_private(RemoteIP), RemoteIPType"},
    {"name": "parse operator", "kql": 'DeviceProcessEvents | where FileName == "svchost.exe" | parse ProcessCommandLine with * "-k " Group " " * | summarize count() by Group'},
    {"name": "range and datatable", "kql": 'range x from 1 to 10 step 3 | extend y = x * 2 | join kind=inner (datatable(x: long, name: string) [1, "one", 7, "seven", 8, "eight"]) on x | project x, y, name'},
    {"name": "mv-expand with_itemindex", "kql": 'print arr = dynamic(["a", "b", "c"]) | mv-expand with_itemindex = i arr | project i, v = tostring(arr)'},
    {"name": "dynamic property access and types", "kql": 'print d = dynamic({"a": 1, "b": [1, 2, {"c": "x"}], "e": null}) | project a = d.a, b1 = d.b[1], c = d.b[2].c, missing = d.zz, e = d.e, t = gettype(d.b), n = array_length(d.b)'},
    {"name": "make_list order after sort", "kql": "DeviceInfo | summarize arg_max(Timestamp, DeviceName) by DeviceId | sort by DeviceName asc | take 4 | summarize make_list(DeviceName)"},
    {"name": "join on empty strings", "kql": 'DeviceNetworkEvents | where RemoteUrl == "" | summarize A = count() by RemoteUrl | join kind=inner (DeviceEvents | summarize B = count() by RemoteUrl) on RemoteUrl | project A, B'},
    {"name": "distinct with nulls", "kql": "DeviceEvents | summarize Rows = count() by IsNull = isnull(ProcessCreationTime)"},
    # Examples from Kusto's documentation, with the output the documentation shows (`expected`)
    {"name": "docs: datetime_diff", "kql": "print year = datetime_diff('year',datetime(2017-01-01),datetime(2000-12-31)), quarter = datetime_diff('quarter',datetime(2017-07-01),datetime(2017-03-30)), month = datetime_diff('month',datetime(2017-01-01),datetime(2015-12-30)), week = datetime_diff('week',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)), day = datetime_diff('day',datetime(2017-10-29 00:00),datetime(2017-09-30 23:59)), hour = datetime_diff('hour',datetime(2017-10-31 01:00),datetime(2017-10-30 23:59)), minute = datetime_diff('minute',datetime(2017-10-30 23:05:01),datetime(2017-10-30 23:00:59)), second = datetime_diff('second',datetime(2017-10-30 23:00:10.100),datetime(2017-10-30 23:00:00.900)), millisecond = datetime_diff('millisecond',datetime(2017-10-30 23:00:00.200100),datetime(2017-10-30 23:00:00.100900)), microsecond = datetime_diff('microsecond',datetime(2017-10-30 23:00:00.1009001),datetime(2017-10-30 23:00:00.1008009))",
     "expected": [[17, 2, 13, 5, 29, 2, 5, 10, 100, 100]]},
    {"name": "docs: datetime_diff nanosecond", "kql": "print nanosecond = datetime_diff('nanosecond',datetime(2017-10-30 23:00:00.0000000),datetime(2017-10-30 23:00:00.0000007))",
     "expected": [[-700]]},
    {"name": "docs: bin", "kql": "print a = bin(4.5, 1), b = bin(time(16d), 7d), c = bin(datetime(1970-05-11 13:45:07), 1d)",
     "expected": [[4.0, 14 * 864_000_000_000, "1970-05-11T00:00:00.0000000Z"]]},
    {"name": "docs: bin_at", "kql": "print a = bin_at(6.5, 2.5, 7), b = bin_at(datetime(2017-05-17 10:20:00.0), 7d, datetime(2017-06-04 00:00:00.0))",
     "expected": [[4.5, "2017-05-14T00:00:00.0000000Z"]]},
    {"name": "docs: startofweek with offsets", "kql": "range offset from -1 to 1 step 1 | project weekStart = startofweek(datetime(2017-01-01 10:10:17), offset)", "ordered": True,
     "expected": [["2016-12-25T00:00:00.0000000Z"], ["2017-01-01T00:00:00.0000000Z"], ["2017-01-08T00:00:00.0000000Z"]]},
    {"name": "docs: trim_start / trim", "kql": 'print a = trim_start("https://", @"https://bing.com"), b = trim("--", "--https://bing.com--")',
     "expected": [["bing.com", "https://bing.com"]]},
    {"name": "docs: hourofday", "kql": "print hour = hourofday(datetime(2015-12-14 18:54))", "expected": [[18]]},
    {"name": "dcount over a large set", "kql": "DeviceNetworkEvents | summarize dcount(LocalPort), dcount(ReportId)"},
]


def venv_python():
    """Benchmarks/.venv's Python with duckdb and duckdb-kql (made by bench.py if missing)."""
    sys.path.insert(0, str(HERE))
    import bench  # noqa: E402  (stdlib only)

    return bench.duckdb_python()


def hunt_bench():
    sys.path.insert(0, str(HERE))
    import bench  # noqa: E402

    return bench.hunt_bench_binary()


def canonical(value):
    """A hashable form for sorting rows: reals rounded to 9 significant digits."""
    if isinstance(value, float):
        return ("n", float(f"{value:.9g}"))
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int):
        return ("n", float(f"{float(value):.9g}"))
    if isinstance(value, list):
        return ("l", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("d", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    if value is None:
        return ("0",)
    return ("s", str(value))


def same(a, b, as_set=False):
    """Whether two normalised cells are equal: numbers with a relative tolerance of 1e-9, lists
    as sets when `as_set` (make_set), property bags by key."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        if as_set:
            a, b = sorted(a, key=canonical), sorted(b, key=canonical)
        return all(same(x, y, as_set) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], as_set) for k in a)
    return a == b


def compare(ours, theirs, ordered):
    """The differences between our result and duckdb-kql's, as a list of sentences (empty when
    they agree). Each side: {"columns": [[name, type]], "result": rows} or {"error": text}."""
    problems = []
    if "error" in ours or "error" in theirs:
        if "error" in ours:
            problems.append(f"ours: {ours['error']}")
        if "error" in theirs:
            problems.append(f"duckdb-kql: {theirs['error']}")
        return problems
    our_names = [name for name, _ in ours["columns"]]
    their_names = [name for name, _ in theirs["columns"]]
    if our_names != their_names:
        problems.append(f"column names: ours {our_names}, duckdb-kql {their_names}")
    our_types = [kind for _, kind in ours["columns"]]
    their_types = [kind for _, kind in theirs["columns"]]
    if our_types != their_types:
        problems.append(f"column types: ours {our_types}, duckdb-kql {their_types}")
    a, b = ours["result"], theirs["result"]
    if len(a) != len(b):
        problems.append(f"rows: ours {len(a)}, duckdb-kql {len(b)}")
    if len(our_names) != len(their_names):
        return problems
    as_set = [name.startswith("set_") or name.lower() in ("urls",) for name in our_names]
    if not ordered:
        a = sorted(a, key=lambda row: tuple(canonical(v) for v in row))
        b = sorted(b, key=lambda row: tuple(canonical(v) for v in row))
    differing = []
    for index, (x, y) in enumerate(zip(a, b)):
        if not all(same(p, q, s) for p, q, s in zip(x, y, as_set)):
            differing.append((index, x, y))
    if differing:
        problems.append(f"{len(differing)} of {min(len(a), len(b))} rows differ"
                        + (" (in sorted order)" if not ordered else ""))
        for index, x, y in differing[:5]:
            problems.append(f"  row {index}: ours {json.dumps(x, ensure_ascii=False)[:300]}")
            problems.append(f"  row {index}: duckdb-kql {json.dumps(y, ensure_ascii=False)[:300]}")
    if len(a) != len(b):
        only_ours = {tuple(canonical(v) for v in row) for row in a} - {tuple(canonical(v) for v in row) for row in b}
        only_theirs = {tuple(canonical(v) for v in row) for row in b} - {tuple(canonical(v) for v in row) for row in a}
        problems.append(f"  {len(only_ours)} distinct rows only in ours, {len(only_theirs)} only in duckdb-kql")
    return problems


def main(argv):
    try:
        import duckdb_kql  # noqa: F401
    except ImportError:
        python = venv_python()
        os.execv(python, [python, __file__, *argv])
    import engine_peer

    keep = "--keep" in argv
    names = [a for a in argv if a != "--keep"]
    queries = [q for q in QUERIES if not names or q["name"] in names]
    if names and len(queries) != len(names):
        sys.exit(f"differential: unknown query name in {names}")
    binary = hunt_bench()
    RESULTS.mkdir(exist_ok=True)
    subprocess.run([binary, "export", "--differential", str(DATA)], check=True, stdout=subprocess.DEVNULL)
    query_file = RESULTS / "differential-queries.json"
    query_file.write_text(json.dumps(queries, indent=1))
    ours_run = json.loads(subprocess.run([binary, "engine", "--differential", "--print", "--checksum", str(query_file)],
                                         check=True, capture_output=True, text=True).stdout)
    con, manifest, _ = engine_peer.load(DATA)
    # Our engine's tables must be the bytes DuckDB loaded: the same CSV hash per table.
    for name, info in ours_run["tables"].items():
        if manifest["tables"][name]["fnv1a64"] != info["fnv1a64"]:
            sys.exit(f"differential: {name} in hunt-bench engine differs from the export")
    now = engine_peer.parse_now(manifest["now"])
    report = []
    counts = {"same": 0, "differ": 0, "ours error": 0, "duckdb-kql error": 0, "both error": 0}
    for query, ours in zip(queries, ours_run["queries"]):
        try:
            columns, rows = engine_peer.run_kql(con, query["kql"], now)
            theirs = {"columns": columns, "result": engine_peer.normalise_rows(columns, rows)}
        except Exception as error:
            theirs = {"error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
        problems = compare(ours, theirs, query.get("ordered", False))
        docs = {}
        if "expected" in query:
            # The documentation's own output decides who is right.
            for side, result in (("ours", ours), ("duckdb-kql", theirs)):
                if "error" in result:
                    docs[side] = "error"
                    continue
                rows = result["result"]
                docs[side] = "matches" if len(rows) == len(query["expected"]) and all(
                    len(r) == len(e) and all(same(a, b) for a, b in zip(r, e)) for r, e in zip(rows, query["expected"])) else "differs"
            if problems or "differs" in docs.values():
                problems.append(f"the documentation's output {json.dumps(query['expected'])}: ours {docs['ours']}, duckdb-kql {docs['duckdb-kql']}")
        if "error" in ours and "error" in theirs:
            status = "both error"
        elif "error" in ours:
            status = "ours error"
        elif "error" in theirs:
            status = "duckdb-kql error"
        else:
            status = "differ" if problems else "same"
        counts[status] += 1
        report.append({"name": query["name"], "kql": query["kql"], "status": status, "problems": problems, "docs": docs,
                       "ours_rows": ours.get("rows"), "duckdb_kql_rows": len(theirs.get("result", []))})
        marker = "ok  " if status == "same" else "DIFF"
        print(f"{marker} {query['name']}: {status}" + ("" if status == "same" else f"\n     {query['kql']}"))
        for line in problems:
            print(f"     {line}")
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    print(f"\n{len(queries)} queries: {summary}")
    (RESULTS / "differential.json").write_text(json.dumps({
        "tables": {name: t["rows"] for name, t in manifest["tables"].items()}, "now": manifest["now"],
        "counts": counts, "queries": report}, indent=1, ensure_ascii=False) + "\n")
    if not keep:
        import shutil

        shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
