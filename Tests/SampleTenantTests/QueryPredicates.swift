import KQL
import SampleTenant

/// Hand-written stand-ins for the starter queries in `Queries/`, until the engine can run them:
/// each mirrors its query's filters closely (using `has` ≈ whole-word match) and returns how many
/// findings the query would report. Keyed by the query file name.
enum QueryPredicates {
    static let hour: Int64 = 3600 * 10_000_000
    static let day: Int64 = 24 * hour

    static let all: [String: @Sendable (SampleTenant) -> Int] = [
        "rare-outbound-connection-by-process": rareOutbound,
        "identity-password-spray": passwordSpray,
        "lsass-access": lsass,
        "rdp-brute-force-then-success": rdpBruteForce,
        "defender-tampering": defenderTampering,
        "dll-sideloading-user-writable": dllSideloading,
        "event-log-cleared": eventLogCleared,
        "encoded-powershell": encodedPowerShell,
        "lolbin-download": lolbinDownload,
        "office-spawning-script-host": officeSpawningScriptHost,
        "inhibit-system-recovery": inhibitRecovery,
        "mass-file-rename": massFileRename,
        "phish-delivered-then-script-activity": phishThenScript,
        "identity-logons-from-many-devices": identityManyDevices,
        "new-scheduled-task-or-service": newTaskOrService,
        "registry-run-key": registryRunKey,
        "new-local-administrator": newLocalAdmin,
        "alerts-per-device-by-severity": alertsPerDevice,
    ]

    /// Queries that must come back empty on the default tenant, as many do in a real one.
    static let expectedEmpty: Set<String> = ["dll-sideloading-user-writable", "identity-logons-from-many-devices"]

    static func rows(_ tenant: SampleTenant, _ name: String, lookback: Int64 = 7 * day) -> (Rows, [Int]) {
        let r = Rows(tenant.table(named: name)!)
        let since = tenant.configuration.end.ticks - lookback
        return (r, (0..<r.count).filter { r.t($0) > since })
    }

    static func rareOutbound(_ tenant: SampleTenant) -> Int {
        let excluded = ["msedge.exe", "chrome.exe", "firefox.exe", "iexplore.exe", "brave.exe", "opera.exe", "msedgewebview2.exe", "MsSense.exe", "SenseNdr.exe", "SenseCncProxy.exe", "MsMpEng.exe", "OneDrive.exe", "Teams.exe", "ms-teams.exe"]
        let (r, idx) = rows(tenant, "DeviceNetworkEvents", lookback: 14 * day)
        var first: [String: Int64] = [:]
        var devices: [String: Set<String>] = [:]
        for i in idx where r.s("ActionType", i) == "ConnectionSuccess" && r.s("RemoteIPType", i) == "Public" {
            let proc = r.s("InitiatingProcessFileName", i)
            guard !proc.isEmpty, !proc.inCI(excluded) else { continue }
            let url = r.s("RemoteUrl", i)
            let host = (url.contains("://") ? String(url.split(separator: "/")[1]) : String(url.split(separator: "/").first ?? "")).lowercased()
            let destination = url.isEmpty ? r.s("RemoteIP", i) : host.registeredDomain
            let key = proc.lowercased() + "|" + destination
            first[key] = min(first[key] ?? .max, r.t(i))
            devices[key, default: []].insert(r.s("DeviceId", i))
        }
        let recent = tenant.configuration.end.ticks - day
        return first.keys.filter { first[$0]! > recent && devices[$0]!.count <= 2 }.count
    }

    static func passwordSpray(_ tenant: SampleTenant) -> Int {
        let (r, idx) = rows(tenant, "IdentityLogonEvents")
        var accounts: [String: Set<String>] = [:]
        for i in idx where r.s("ActionType", i) == "LogonFailed" {
            let source = r.s("IPAddress", i).isEmpty ? r.s("DeviceName", i) : r.s("IPAddress", i)
            guard !source.isEmpty, !r.s("AccountName", i).isEmpty else { continue }
            accounts["\(source)|\(r.t(i) / (30 * 60 * 10_000_000))", default: []].insert(r.s("AccountName", i))
        }
        return accounts.values.filter { $0.count >= 10 }.count
    }

    static func lsass(_ tenant: SampleTenant) -> Int {
        let allowed = ["MsMpEng.exe", "MsSense.exe", "SenseIR.exe", "SenseNdr.exe", "csrss.exe", "wininit.exe", "services.exe", "lsm.exe", "MRT.exe"]
        let tools = ["procdump.exe", "procdump64.exe", "mimikatz.exe", "nanodump.exe", "dumpert.exe", "pypykatz.exe", "safetykatz.exe"]
        var n = 0
        let (de, di) = rows(tenant, "DeviceEvents")
        n += di.filter { de.s("ActionType", $0) == "OpenProcessApiCall" && de.s("FileName", $0).lowercased() == "lsass.exe" && !de.s("InitiatingProcessFileName", $0).inCI(allowed) }.count
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        n += pi.filter {
            let c = p.s("ProcessCommandLine", $0)
            return (c.has("comsvcs") && c.has("MiniDump"))
                || (c.has("lsass") && (c.containsCI(".dmp") || c.hasAny(["procdump", "procdump64", "createdump", "sqldumper", "rdrleakdiag", "minidump"])))
                || c.hasAny(["sekurlsa", "lsadump", "logonpasswords"]) || p.s("FileName", $0).inCI(tools)
        }.count
        let (f, fi) = rows(tenant, "DeviceFileEvents")
        n += fi.filter { f.s("ActionType", $0) == "FileCreated" && f.s("FileName", $0).lowercased().hasPrefix("lsass") && f.s("FileName", $0).lowercased().hasSuffix(".dmp") }.count
        return n
    }

    static func rdpBruteForce(_ tenant: SampleTenant) -> Int {
        let (r, idx) = rows(tenant, "DeviceLogonEvents")
        var failures: [String: (count: Int, first: Int64, last: Int64)] = [:]
        for i in idx where r.s("ActionType", i) == "LogonFailed" && ["RemoteInteractive", "Network"].contains(r.s("LogonType", i))
            && !r.s("RemoteIP", i).isEmpty && r.s("RemoteIPType", i) != "Loopback" {
            let key = r.s("DeviceId", i) + "|" + r.s("RemoteIP", i)
            let old = failures[key] ?? (0, .max, .min)
            failures[key] = (old.count + 1, min(old.first, r.t(i)), max(old.last, r.t(i)))
        }
        return idx.filter { i in
            guard r.s("ActionType", i) == "LogonSuccess", r.s("LogonType", i) == "RemoteInteractive", !r.s("RemoteIP", i).isEmpty,
                let f = failures[r.s("DeviceId", i) + "|" + r.s("RemoteIP", i)], f.count >= 20 else { return false }
            return r.t(i) >= f.first && r.t(i) <= f.last + 2 * hour
        }.count
    }

    static func defenderTampering(_ tenant: SampleTenant) -> Int {
        let allowed = ["MsMpEng.exe", "MsSense.exe", "SenseIR.exe", "MpCmdRun.exe", "ConfigSecurityPolicy.exe", "omadmclient.exe", "CcmExec.exe"]
        let (de, di) = rows(tenant, "DeviceEvents")
        var n = di.filter { de.s("ActionType", $0) == "TamperingAttempt" }.count
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        n += pi.filter {
            let c = p.s("ProcessCommandLine", $0), f = p.s("FileName", $0)
            return (c.has("MpPreference") && c.hasAny(["DisableRealtimeMonitoring", "DisableBehaviorMonitoring", "DisableIOAVProtection", "DisableScriptScanning", "DisableBlockAtFirstSeen", "DisableIntrusionPreventionSystem", "DisableArchiveScanning", "ExclusionPath", "ExclusionProcess", "ExclusionExtension", "ExclusionIpAddress", "MAPSReporting", "SubmitSamplesConsent", "EnableControlledFolderAccess"]))
                || (f.lowercased() == "mpcmdrun.exe" && c.has("RemoveDefinitions"))
                || (f.inCI(["sc.exe", "net.exe", "net1.exe"]) && c.hasAny(["WinDefend", "Sense", "WdNisSvc", "WdFilter", "WdBoot"]) && c.hasAny(["stop", "delete", "disabled"]))
                || (c.has("Windows Defender") && c.hasAny(["DisableAntiSpyware", "DisableAntiVirus", "DisableRealtimeMonitoring", "TamperProtection"]))
        }.count
        let (g, gi) = rows(tenant, "DeviceRegistryEvents")
        n += gi.filter {
            let key = g.s("RegistryKey", $0), name = g.s("RegistryValueName", $0), data = g.s("RegistryValueData", $0)
            guard g.s("ActionType", $0) == "RegistryValueSet", key.has("Windows Defender"), !g.s("InitiatingProcessFileName", $0).inCI(allowed) else { return false }
            return (name.inCI(["DisableAntiSpyware", "DisableAntiVirus", "DisableRealtimeMonitoring", "DisableBehaviorMonitoring", "DisableOnAccessProtection", "DisableScanOnRealtimeEnable", "DisableIOAVProtection"]) && ["1", "0x00000001"].contains(data))
                || (name.lowercased() == "tamperprotection" && ["0", "4", "0x00000000", "0x00000004"].contains(data)) || key.has("Exclusions")
        }.count
        return n
    }

    /// Stricter than the query (substring instead of term match, no rarity condition): any row
    /// here would be a candidate, so zero rows means the query is certainly empty.
    static func dllSideloading(_ tenant: SampleTenant) -> Int {
        let excluded = ["Teams.exe", "ms-teams.exe", "OneDrive.exe", "FileCoAuth.exe", "Code.exe", "Update.exe", "OneDriveStandaloneUpdater.exe", "FileSyncHelper.exe", "Microsoft.SharePoint.exe", "msedgewebview2.exe", "MsMpEng.exe", "MpCmdRun.exe", "NisSrv.exe", "MpDefenderCoreService.exe", "MsSense.exe", "SenseNdr.exe", "SenseIR.exe", "TiWorker.exe", "DismHost.exe"]
        let (r, idx) = rows(tenant, "DeviceImageLoadEvents")
        return idx.filter {
            r.s("FolderPath", $0).containsAny(["AppData", "Temp", "Downloads", "ProgramData", "Public"])
                && r.s("InitiatingProcessVersionInfoCompanyName", $0).containsCI("Microsoft") && !r.s("InitiatingProcessFileName", $0).inCI(excluded)
                && !r.s("SHA1", $0).isEmpty
        }.count
    }

    static func eventLogCleared(_ tenant: SampleTenant) -> Int {
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        return pi.filter {
            let c = p.s("ProcessCommandLine", $0), wevtutil = p.s("FileName", $0).lowercased() == "wevtutil.exe"
            return (wevtutil && c.hasAny(["cl", "clear-log"])) || (wevtutil && c.hasAny(["sl", "set-log"]) && c.contains("/e:false"))
                || (c.has("EventLog") && c.hasAny(["Clear", "Remove", "Limit"])) || c.has("ClearLog")
        }.count
    }

    static func encodedPowerShell(_ tenant: SampleTenant) -> Int {
        let encoded = try! Regex(#"(?i)\s[-/]e(?:c|n[a-z]*)?\s+[^A-Za-z0-9+/\s]?([A-Za-z0-9+/]{8,}={0,2})"#)
        let long = try! Regex(#"[A-Za-z0-9+/]{40,}"#)
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        return pi.filter {
            guard p.s("FileName", $0).inCI(["powershell.exe", "pwsh.exe", "powershell_ise.exe"]) || p.s("ProcessVersionInfoOriginalFileName", $0).inCI(["powershell.exe", "pwsh.dll", "powershell_ise.exe"]),
                !p.s("InitiatingProcessFileName", $0).inCI(["ccmexec.exe", "senseir.exe"]) else { return false }
            let c = p.s("ProcessCommandLine", $0)
            return c.contains(encoded) || c.contains(long)
        }.count
    }

    static func lolbinDownload(_ tenant: SampleTenant) -> Int {
        let lolbins = ["certutil.exe", "bitsadmin.exe", "mshta.exe", "regsvr32.exe", "rundll32.exe", "msiexec.exe", "hh.exe", "esentutl.exe", "expand.exe", "finger.exe", "desktopimgdownldr.exe", "msxsl.exe", "wmic.exe", "cmstp.exe", "installutil.exe", "msbuild.exe"]
        let url = try! Regex(#"(?i)(?:https?|ftp)://([^\s"<>/:]+)"#)
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        return pi.filter {
            guard p.s("FileName", $0).inCI(lolbins) || p.s("ProcessVersionInfoOriginalFileName", $0).inCI(lolbins),
                let m = p.s("ProcessCommandLine", $0).firstMatch(of: url), let host = m.output[1].substring else { return false }
            return !String(host).lowercased().registeredDomain.inCI(["windowsupdate.com", "microsoft.com"])
        }.count
    }

    static let officeApps = ["winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe", "msaccess.exe", "mspub.exe", "onenote.exe", "visio.exe", "eqnedt32.exe"]

    static func officeSpawningScriptHost(_ tenant: SampleTenant) -> Int {
        let hosts = ["powershell.exe", "pwsh.exe", "cmd.exe", "wscript.exe", "cscript.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe", "certutil.exe", "bitsadmin.exe", "msbuild.exe", "schtasks.exe", "wmic.exe"]
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        return pi.filter { p.s("InitiatingProcessFileName", $0).inCI(officeApps) && p.s("FileName", $0).inCI(hosts) }.count
    }

    static func inhibitRecovery(_ tenant: SampleTenant) -> Int {
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        return pi.filter {
            let c = p.s("ProcessCommandLine", $0), f = p.s("FileName", $0).lowercased()
            return (f == "vssadmin.exe" && c.contains("shadow") && c.hasAny(["delete", "resize"]))
                || (f == "wmic.exe" && c.has("shadowcopy") && c.has("delete"))
                || (f == "bcdedit.exe" && c.hasAny(["recoveryenabled", "bootstatuspolicy"]))
                || (f == "wbadmin.exe" && c.has("delete") && c.hasAny(["catalog", "systemstatebackup", "backup"]))
                || (c.contains("ShadowCopy") && c.hasAny(["Delete", "Remove-WmiObject", "Remove-CimInstance"]))
        }.count
    }

    static func massFileRename(_ tenant: SampleTenant) -> Int {
        let excluded = ["OneDrive.exe", "Dropbox.exe", "GoogleDriveFS.exe", "msiexec.exe", "TiWorker.exe", "TrustedInstaller.exe", "MsMpEng.exe"]
        func ext(_ s: String) -> String {
            guard let dot = s.lastIndex(of: "."), !s[s.index(after: dot)...].contains("\\") else { return "" }
            let e = s[s.index(after: dot)...]
            return e.count <= 16 ? e.lowercased() : ""
        }
        let (f, fi) = rows(tenant, "DeviceFileEvents")
        var counts: [String: Int] = [:]
        for i in fi where f.s("ActionType", i) == "FileRenamed" && !f.s("InitiatingProcessFileName", i).inCI(excluded)
            && ext(f.s("FileName", i)) != ext(f.s("PreviousFileName", i)) {
            counts["\(f.s("DeviceId", i))|\(f.s("InitiatingProcessFileName", i).lowercased())|\(f.l("InitiatingProcessId", i))|\(f.t(i) / (5 * 60 * 10_000_000))", default: 0] += 1
        }
        return counts.values.filter { $0 >= 100 }.count
    }

    static func phishThenScript(_ tenant: SampleTenant) -> Int {
        let children = ["powershell.exe", "pwsh.exe", "cmd.exe", "wscript.exe", "cscript.exe", "mshta.exe", "rundll32.exe", "regsvr32.exe", "certutil.exe", "bitsadmin.exe", "msiexec.exe", "hh.exe", "curl.exe"]
        let parents = ["outlook.exe", "olk.exe", "winword.exe", "excel.exe", "powerpnt.exe", "onenote.exe", "msedge.exe", "chrome.exe", "firefox.exe", "explorer.exe", "7zfm.exe", "winrar.exe"]
        let (e, ei) = rows(tenant, "EmailEvents")
        var mails: [(String, Int64)] = []
        for i in ei where e.s("EmailDirection", i) == "Inbound" && e.s("DeliveryAction", i) == "Delivered" && !e.s("RecipientObjectId", i).isEmpty {
            let auth = e.s("AuthenticationDetails", i).lowercased()
            if e.s("ThreatTypes", i).hasAny(["Phish", "Malware"]) || auth.contains("\"dmarc\":\"fail\"") || auth.contains("\"compauth\":\"fail\"") {
                mails.append((e.s("RecipientObjectId", i), e.t(i)))
            }
        }
        let (p, pi) = rows(tenant, "DeviceProcessEvents")
        return pi.filter { i in
            guard p.s("FileName", i).inCI(children), p.s("InitiatingProcessFileName", i).inCI(parents) else { return false }
            let oid = p.s("InitiatingProcessAccountObjectId", i)
            return !oid.isEmpty && mails.contains { $0.0 == oid && p.t(i) >= $0.1 && p.t(i) <= $0.1 + 2 * hour }
        }.count
    }

    static func identityManyDevices(_ tenant: SampleTenant) -> Int {
        let (r, idx) = rows(tenant, "IdentityLogonEvents")
        var devices: [String: Set<String>] = [:]
        for i in idx where r.s("ActionType", i) == "LogonSuccess" {
            let name = r.s("AccountName", i)
            guard !name.isEmpty, !r.s("DeviceName", i).isEmpty, !name.hasSuffix("$"), !name.inCI(["svc_scanner", "svc_backup", "svc_sccm"]) else { continue }
            devices["\(r.s("AccountDomain", i).lowercased())|\(name.lowercased())|\(r.t(i) / hour)", default: []].insert(r.s("DeviceName", i))
        }
        return devices.values.filter { $0.count >= 10 }.count
    }

    static func field(_ json: String, _ key: String) -> String {
        guard case .bag(let pairs)? = try? KQLDynamic(parsing: json), let v = pairs.first(where: { $0.key == key })?.value else { return "" }
        if case .string(let s) = v { return s }
        return v.json
    }

    static func newTaskOrService(_ tenant: SampleTenant) -> Int {
        let allowed = ["GoogleUpdateTaskMachineCore", "GoogleUpdateTaskMachineUA", "MicrosoftEdgeUpdateTaskMachineCore", "MicrosoftEdgeUpdateTaskMachineUA", "OneDrive Standalone Update Task", "OneDrive Reporting Task", "Adobe Acrobat Update Task"]
        let (r, idx) = rows(tenant, "DeviceEvents")
        return idx.filter {
            let action = r.s("ActionType", $0)
            guard action == "ScheduledTaskCreated" || action == "ServiceInstalled" else { return false }
            let name = field(r.s("AdditionalFields", $0), action == "ScheduledTaskCreated" ? "TaskName" : "ServiceName")
            return !name.hasAny(allowed)
        }.count
    }

    static func registryRunKey(_ tenant: SampleTenant) -> Int {
        let key = try! Regex(#"(?i)\\CurrentVersion\\(Run|RunOnce|RunOnceEx|RunServices|RunServicesOnce|Policies\\Explorer\\Run)$"#)
        let allowed = ["OneDrive", "OneDriveSetup", "com.squirrel.Teams.Teams", "Teams", "Discord", "Spotify", "Zoom"]
        let terms = ["AppData", "Temp", "Public", "ProgramData", "Downloads", "powershell", "pwsh", "cmd", "mshta", "wscript", "cscript", "rundll32", "regsvr32", "http", "https", "javascript", "vbscript"]
        let (r, idx) = rows(tenant, "DeviceRegistryEvents")
        return idx.filter {
            r.s("ActionType", $0) == "RegistryValueSet" && r.s("RegistryKey", $0).contains(key)
                && !r.s("RegistryValueName", $0).inCI(allowed) && r.s("RegistryValueData", $0).hasAny(terms)
        }.count
    }

    static func newLocalAdmin(_ tenant: SampleTenant) -> Int {
        let (r, idx) = rows(tenant, "DeviceEvents")
        return idx.filter {
            guard r.s("ActionType", $0) == "UserAccountAddedToLocalGroup" else { return false }
            let sid = field(r.s("AdditionalFields", $0), "GroupSid")
            return ["S-1-5-32-544", "S-1-5-32-555", "S-1-5-32-580", "S-1-5-32-551"].contains(sid.isEmpty ? r.s("AccountSid", $0) : sid)
        }.count
    }

    static func alertsPerDevice(_ tenant: SampleTenant) -> Int {
        let (info, ii) = rows(tenant, "AlertInfo")
        let alerts = Set(ii.map { info.s("AlertId", $0) })
        let (ev, ei) = rows(tenant, "AlertEvidence")
        return Set(ei.filter { !ev.s("DeviceId", $0).isEmpty && alerts.contains(ev.s("AlertId", $0)) }.map { ev.s("DeviceId", $0) }).count
    }
}
