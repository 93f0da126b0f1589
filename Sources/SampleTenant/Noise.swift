import KQL

/// Benign activity. Every function here stays clear of the starter queries' filters: no encoded or
/// downloading command lines, Office never starts script hosts, LSASS is opened only by Defender,
/// DLLs load only from system and program folders, Run keys and scheduled tasks use allowed names.
extension Generator {
    mutating func processNoise() {
        let ws: [(String, Int)] = [
            ("chrome.exe", 20), ("msedge.exe", 10), ("OUTLOOK.EXE", 5), ("WINWORD.EXE", 6), ("EXCEL.EXE", 5),
            ("ms-teams.exe", 5), ("OneDrive.exe", 3), ("notepad.exe", 3), ("svchost.exe", 15), ("taskhostw.exe", 8),
            ("MpCmdRun.exe", 3), ("msiexec.exe", 2), ("conhost.exe", 2),
        ]
        let srv: [(String, Int)] = [("svchost.exe", 30), ("taskhostw.exe", 5), ("MpCmdRun.exe", 3), ("msiexec.exe", 2), ("sqlservr.exe", 2), ("powershell.exe", 4), ("conhost.exe", 3)]
        let ws2 = ws.map { (p($0.0), $0.1) }
        let srv2 = srv.map { (p($0.0), $0.1) }
        let admins = max(world.users.count / 10, 1)
        actions = ["ProcessCreated"]
        for _ in 0..<perDeviceDay(120) {
            let d = randomDevice()
            let dev = world.devices[d]
            var u = userOf(device: d)
            var proc = pick(dev.isServer ? srv2 : ws2)
            if !dev.isServer, world.users[u].isAdmin, g.chance(0.05) { proc = p("powershell.exe") }
            if dev.isServer, proc == p("powershell.exe") { u = g.below(admins) }
            let profile = world.processes[Int(proc)]
            let parent = world.processIndex[profile.parentName].map(Int32.init) ?? p("services.exe")
            set.append(Event(
                time: randomTime(), device: Int32(d), user: profile.runsAsSystem ? -1 : Int32(u), action: 0,
                variant: Int16(g.below(profile.commandLines.count)), proc: proc, parent: parent))
        }
    }

    mutating func networkNoise() {
        actions = ["ConnectionSuccess", "ConnectionFailed", "InboundConnectionAccepted", "ConnectionRequest"]
        // url, ip, port, public
        let web = ["www.microsoft.com", "www.office.com", "github.com", "stackoverflow.com", "www.bbc.co.uk", "www.linkedin.com", "contoso.sharepoint.com", "learn.microsoft.com", "www.google.com", "www.wikipedia.org", "www.nytimes.com", "docs.python.org", "www.amazon.com", "login.microsoftonline.com"]
        var urls: [String] = []
        var ips: [String] = []
        var ports: [String] = []
        var ipType: [String] = []
        func add(_ url: String, _ ip: String, _ port: Int, _ type: String) -> Int32 {
            urls.append(url); ips.append(ip); ports.append(String(port)); ipType.append(type)
            return Int32(urls.count - 1)
        }
        var webItems: [Int32] = []
        for (i, host) in web.enumerated() { webItems.append(add(host, "\(13 + i * 7).\(107 + i).\(i * 11 % 250).\(20 + i)", 443, "Public")) }
        let teams = add("teams.microsoft.com", "52.113.194.132", 443, "Public")
        let onedrive = add("contoso-my.sharepoint.com", "13.107.136.10", 443, "Public")
        let defender = add("wdcp.microsoft.com", "20.42.73.27", 443, "Public")
        let wu = add("ctldl.windowsupdate.com", "93.184.221.240", 80, "Public")
        let telemetry = add("settings-win.data.microsoft.com", "20.189.173.1", 443, "Public")
        let outlook = add("outlook.office365.com", "52.97.146.162", 443, "Public")
        let officecdn = add("officecdn.microsoft.com", "23.32.70.21", 443, "Public")
        let dns = add("", "10.0.0.10", 53, "Private")
        let smb = add("", world.devices[min(1, world.devices.count - 1)].ip, 445, "Private")
        let kerberos = add("", "10.0.0.10", 88, "Private")
        pools["RemoteUrl"] = urls
        pools["RemoteIP"] = ips
        pools["RemotePort"] = ports
        pools["RemoteIPType"] = ipType
        let chrome = p("chrome.exe"), edge = p("msedge.exe"), svchost = p("svchost.exe"), ol = p("OUTLOOK.EXE")
        let word = p("WINWORD.EXE"), msteams = p("ms-teams.exe"), od = p("OneDrive.exe"), mp = p("MsMpEng.exe"), explorer = p("explorer.exe")
        // Non-browser public pairs are first seen by every device at the start of the window, so none
        // of them is ever "new and rare" (rare-outbound-connection-by-process stays clean).
        for d in world.devices.indices {
            let dev = world.devices[d]
            var pairs: [(Int32, Int32)] = [(svchost, wu), (svchost, telemetry)]
            if !dev.isServer { pairs += [(ol, outlook), (word, officecdn)] }
            for (proc, item) in pairs {
                let u = world.processes[Int(proc)].runsAsSystem ? -1 : userOf(device: d)
                set.append(Event(time: start + Self.minute + Int64(g.below(4 * 3600)) * Self.tick, device: Int32(d), user: Int32(u), action: 0, proc: proc, parent: p(world.processes[Int(proc)].parentName), item: item))
            }
        }
        let serverChoices: [((Int32, Int32), Int)] = [((svchost, wu), 3), ((svchost, telemetry), 3), ((svchost, dns), 10), ((svchost, kerberos), 5), ((mp, defender), 3), ((explorer, smb), 2)]
        let workstationChoices: [((Int32, Int32), Int)] = [((chrome, -1), 30), ((edge, -1), 15), ((msteams, teams), 10), ((od, onedrive), 6), ((mp, defender), 3), ((svchost, wu), 3), ((svchost, telemetry), 3), ((svchost, dns), 12), ((svchost, kerberos), 4), ((ol, outlook), 8), ((word, officecdn), 1), ((explorer, smb), 5)]
        let parents = world.processes.map { world.processIndex[$0.parentName].map(Int32.init) ?? -1 }
        for _ in 0..<perDeviceDay(250) {
            let d = randomDevice()
            let dev = world.devices[d]
            var (proc, item) = pick(dev.isServer ? serverChoices : workstationChoices)
            if item < 0 { item = webItems[g.below(webItems.count)] }
            let failed = g.chance(0.03)
            set.append(Event(
                time: randomTime(), device: Int32(d), user: systemProcess[Int(proc)] ? -1 : Int32(userOf(device: d)),
                action: failed ? 1 : 0, variant: 0, proc: proc, parent: parents[Int(proc)], item: item))
        }
    }

    mutating func fileNoise() {
        actions = ["FileCreated", "FileModified", "FileRenamed", "FileDeleted"]
        let docs = ["Quarterly Report.docx", "Budget 2027.xlsx", "Meeting Notes.docx", "Project Plan.pptx", "Invoice 4411.pdf", "Team Roster.xlsx", "Travel Policy.pdf", "Sales Forecast.xlsx", "Design Review.docx", "Customer List.xlsx"]
        let downloads = ["ChromeSetup.exe", "statement_oct.pdf", "vpn-profile.xml", "Zoom_cm.msi", "slides-final.pptx"]
        var docFiles: [Int32] = []
        var dlFiles: [Int32] = []
        for name in docs {
            world.files.append(FileEntity(name: name, folder: "Documents\\", inUserProfile: true))
            docFiles.append(Int32(world.files.count - 1))
        }
        for name in downloads {
            world.files.append(FileEntity(name: name, folder: "Downloads\\", inUserProfile: true))
            dlFiles.append(Int32(world.files.count - 1))
        }
        let shareFiles = Int32(world.files.count)
        for name in docs { world.files.append(FileEntity(name: name, folder: "D:\\Shares\\Finance\\")) }
        let temp = Int32(world.files.count)
        world.files.append(FileEntity(name: "MpSigStub.log", folder: "C:\\Windows\\Temp\\"))
        world.files.append(FileEntity(name: "wuauclt.etl", folder: "C:\\Windows\\Logs\\WindowsUpdate\\"))
        pools["FileOriginUrl"] = ["https://dl.google.com/chrome/install/ChromeSetup.exe", "https://contoso.sharepoint.com/sites/finance/statement_oct.pdf", "https://vpn.contoso.com/profile/vpn-profile.xml", "https://zoom.us/client/latest/Zoom_cm.msi", "https://contoso.sharepoint.com/sites/sales/slides-final.pptx"]
        let word = p("WINWORD.EXE"), excel = p("EXCEL.EXE"), chrome = p("chrome.exe"), explorer = p("explorer.exe"), svchost = p("svchost.exe"), mp = p("MsMpEng.exe")
        let fileServer = min(1, world.devices.count - 1)
        for _ in 0..<perDeviceDay(150) {
            let d = randomDevice()
            let u = userOf(device: d)
            let kind = g.below(100)
            var e = Event(time: randomTime(), device: Int32(d), user: Int32(u), action: 0)
            if world.devices[d].isServer {
                if d == fileServer, kind < 60 {
                    e.file = shareFiles + Int32(g.below(docs.count)); e.proc = p("services.exe"); e.parent = p("services.exe"); e.user = -1
                    e.action = Int16(g.below(2)); e.item = -2  // SMB write by a user from their workstation
                    e.variant = Int16(g.below(world.users.count))
                } else {
                    e.file = temp + Int32(g.below(2)); e.proc = kind < 80 ? mp : svchost; e.parent = e.proc; e.user = -1; e.action = 1
                }
            } else if kind < 55 {
                let di = g.below(docs.count)
                e.file = docFiles[di]; e.proc = di % 3 == 1 ? excel : word; e.parent = e.proc; e.action = Int16(g.below(2))
            } else if kind < 70 {
                let di = g.below(downloads.count)
                e.file = dlFiles[di]; e.proc = chrome; e.parent = chrome; e.action = 0; e.item = Int32(di)
            } else if kind < 80 {
                e.file = docFiles[g.below(docs.count)]; e.proc = explorer; e.parent = explorer; e.action = g.chance(0.5) ? 2 : 3
            } else {
                e.file = temp + Int32(g.below(2)); e.proc = kind < 90 ? mp : svchost; e.parent = e.proc; e.user = -1; e.action = 1
            }
            set.append(e)
        }
    }

    mutating func imageLoadNoise() {
        actions = ["ImageLoaded"]
        var dlls: [Int32] = []
        for name in ["ntdll.dll", "kernel32.dll", "KernelBase.dll", "user32.dll", "advapi32.dll", "crypt32.dll", "winhttp.dll", "amsi.dll", "wldp.dll", "dbghelp.dll", "msvcp_win.dll", "combase.dll"] {
            world.files.append(FileEntity(name: name, folder: "C:\\Windows\\System32\\", company: "Microsoft Corporation"))
            dlls.append(Int32(world.files.count - 1))
        }
        world.files.append(FileEntity(name: "mso20win32client.dll", folder: "C:\\Program Files\\Common Files\\Microsoft Shared\\Office16\\"))
        let mso = Int32(world.files.count - 1)
        world.files.append(FileEntity(name: "chrome_elf.dll", folder: "C:\\Program Files\\Google\\Chrome\\Application\\131.0.6778.86\\"))
        let elf = Int32(world.files.count - 1)
        let procs: [(Int32, Int)] = [(p("chrome.exe"), 20), (p("OUTLOOK.EXE"), 8), (p("WINWORD.EXE"), 8), (p("svchost.exe"), 25), (p("ms-teams.exe"), 6), (p("explorer.exe"), 8), (p("taskhostw.exe"), 5)]
        let chrome = p("chrome.exe"), word = p("WINWORD.EXE"), outlook = p("OUTLOOK.EXE")
        for _ in 0..<perDeviceDay(150) {
            let d = randomDevice()
            let proc = pick(procs)
            var file = dlls[g.below(dlls.count)]
            if proc == chrome, g.chance(0.3) { file = elf }
            if proc == word || proc == outlook, g.chance(0.3) { file = mso }
            set.append(Event(time: randomTime(), device: Int32(d), user: systemProcess[Int(proc)] ? -1 : Int32(userOf(device: d)), action: 0, proc: proc, parent: proc, file: file))
        }
    }

    mutating func registryNoise() {
        actions = ["RegistryValueSet", "RegistryKeyCreated", "RegistryValueDeleted"]
        // key (with {sid} for the user's hive), value name, value type, data, writer
        let entries: [(String, String, String, String, String, Int)] = [
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates", "SignaturesLastUpdated", "Binary", "0x1a2b3c4d5e6f", "MsMpEng.exe", 10),
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates", "AVSignatureVersion", "String", "1.421.337.0", "MsMpEng.exe", 5),
            ("HKEY_CURRENT_USER\\{sid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\.docx", "MRUListEx", "Binary", "0x0200000001000000", "explorer.exe", 20),
            ("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\bam\\State\\UserSettings\\{sid}", "\\Device\\HarddiskVolume3\\Windows\\explorer.exe", "Binary", "0x5f3c21a0", "svchost.exe", 20),
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update", "LastOnlineScanTimeForAppCategory", "String", "2026-11-20 07:12:44", "svchost.exe", 8),
            ("HKEY_CURRENT_USER\\{sid}\\SOFTWARE\\Microsoft\\Office\\16.0\\Word\\Options", "LastUISessionId", "Dword", "0x00000004", "WINWORD.EXE", 8),
            ("HKEY_CURRENT_USER\\{sid}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "OneDrive", "String", "\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /background", "OneDrive.exe", 1),
            ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run", "SecurityHealth", "ExpandString", "%windir%\\system32\\SecurityHealthSystray.exe", "msiexec.exe", 1),
        ]
        pools["key"] = entries.map(\.0)
        pools["RegistryValueName"] = entries.map(\.1)
        pools["RegistryValueType"] = entries.map(\.2)
        pools["RegistryValueData"] = entries.map(\.3)
        let weighted = entries.enumerated().map { (Int32($0.offset), $0.element.5) }
        let writers = entries.map { p($0.4) }
        for _ in 0..<perDeviceDay(60) {
            let d = randomDevice()
            let item = pick(weighted)
            let proc = writers[Int(item)]
            set.append(Event(time: randomTime(), device: Int32(d), user: systemProcess[Int(proc)] ? -1 : Int32(userOf(device: d)), action: g.chance(0.9) ? 0 : 1, proc: proc, parent: proc, item: item))
        }
    }

    mutating func deviceEventNoise() {
        actions = ["OpenProcessApiCall", "ScheduledTaskCreated", "ScheduledTaskUpdated", "PowerShellCommand", "BrowserLaunchedToOpenUrl", "AntivirusScanCompleted", "UsbDriveMounted", "DnsQueryResponse"]
        pools["AdditionalFields"] = [
            "{\"DesiredAccess\":4096}",
            "{\"TaskName\":\"\\\\GoogleUpdateTaskMachineUA\",\"TaskContent\":\"<Command>C:\\\\Program Files (x86)\\\\Google\\\\Update\\\\GoogleUpdate.exe</Command><Arguments>/ua /installsource scheduler</Arguments>\"}",
            "{\"TaskName\":\"\\\\MicrosoftEdgeUpdateTaskMachineCore\",\"TaskContent\":\"<Command>C:\\\\Program Files (x86)\\\\Microsoft\\\\EdgeUpdate\\\\MicrosoftEdgeUpdate.exe</Command><Arguments>/c</Arguments>\"}",
            "{\"Command\":\"Get-Service\"}",
            "{\"ScanTypeIndex\":1,\"DurationSeconds\":412}",
            "{\"DriveLetter\":\"E:\",\"ProductName\":\"SanDisk Ultra\",\"Manufacturer\":\"SanDisk\"}",
            "{\"DnsQueryString\":\"outlook.office365.com\",\"DnsQueryResult\":[{\"DnsQueryType\":1,\"Address\":\"52.97.146.162\"}]}",
        ]
        pools["RemoteUrl"] = ["https://contoso.sharepoint.com/sites/intranet/news", "https://www.office.com/launch/word", "https://github.com/contoso/tools"]
        let mp = p("MsMpEng.exe"), svchost = p("svchost.exe"), ps = p("powershell.exe"), ol = p("OUTLOOK.EXE"), explorer = p("explorer.exe"), lsass = Int32(world.processes[world.process("lsass.exe")].file)
        for _ in 0..<perDeviceDay(40) {
            let d = randomDevice()
            let u = Int32(userOf(device: d))
            var e = Event(time: randomTime(), device: Int32(d), user: -1, action: 0)
            switch g.below(100) {
            case 0..<10: e.action = 0; e.proc = mp; e.parent = mp; e.file = lsass; e.item = 0
            case 10..<20: e.action = Int16(1 + g.below(2)); e.proc = svchost; e.parent = svchost; e.item = Int32(1 + g.below(2)); e.file = -2
            case 20..<30 where world.users[Int(u)].isAdmin: e.action = 3; e.proc = ps; e.parent = ps; e.user = u; e.item = 3; e.file = -2
            case 30..<50: e.action = 4; e.proc = ol; e.parent = ol; e.user = u; e.item = Int32(g.below(3)); e.file = -2
            case 50..<60: e.action = 5; e.proc = mp; e.parent = mp; e.item = 4; e.file = -2
            case 60..<62 where !world.devices[d].isServer: e.action = 6; e.proc = explorer; e.parent = explorer; e.user = u; e.item = 5; e.file = -2
            default: e.action = 7; e.proc = ol; e.parent = ol; e.user = u; e.item = 6; e.file = -2
            }
            set.append(e)
        }
    }

    mutating func logonNoise() {
        actions = ["LogonSuccess", "LogonFailed", "LogonAttempted"]
        pools["LogonType"] = ["Interactive", "Network", "RemoteInteractive", "Service", "Batch", "Unlock", "CachedInteractive"]
        let lsass = p("lsass.exe")
        for _ in 0..<perDeviceDay(14) {
            let d = randomDevice()
            let dev = world.devices[d]
            var e = Event(time: randomTime(), device: Int32(d), user: Int32(userOf(device: d)), action: 0, proc: lsass, parent: lsass)
            let k = g.below(100)
            if dev.isServer {
                if k < 50 {
                    e.variant = 1; e.user = Int32(g.below(world.users.count)); e.item = Int32(world.users[Int(e.user)].device)
                } else if k < 53 {
                    e.variant = 2; e.user = Int32(g.below(max(world.users.count / 10, 1))); e.item = Int32(world.users[Int(e.user)].device)
                } else { e.variant = Int16(k < 85 ? 3 : 4); e.user = -1; e.item = -1 }
            } else {
                if k < 30 { e.variant = Int16(k < 10 ? 0 : (k < 25 ? 5 : 6)); e.item = -1 }
                else if k < 40 { e.variant = 1; e.item = Int32(world.devices.count > 1 ? 0 : d) ; e.user = -1 }
                else { e.variant = Int16(k < 90 ? 3 : 4); e.user = -1; e.item = -1 }
            }
            // Occasional mistyped passwords: a handful a day, far below any brute-force threshold.
            if e.user >= 0, e.variant <= 1, g.chance(0.02) { e.action = 1 }
            set.append(e)
        }
    }

    mutating func deviceInfoNoise() {
        actions = ["", ""]
        for d in world.devices.indices {
            for slot in 0..<(config.days * 4) {
                let t = start + Int64(slot) * 6 * Self.hour + Int64(g.below(3600)) * Self.tick + Self.minute
                set.append(Event(time: t, device: Int32(d), user: Int32(world.devices[d].primaryUser), action: 0))
            }
        }
    }

    mutating func networkInfoNoise() {
        actions = [""]
        for d in world.devices.indices {
            for slot in 0..<(config.days * 2) {
                let t = start + Int64(slot) * 12 * Self.hour + Int64(g.below(3600)) * Self.tick + Self.minute
                set.append(Event(time: t, device: Int32(d), user: -1, action: 0))
            }
        }
    }

    mutating func emailNoise() {
        actions = ["Inbound", "Outbound", "Intra-org"]
        let senders = ["orders@fabrikam.com", "newsletter@adatum.com", "billing@northwindtraders.com", "noreply@linkedin.com", "support@wingtiptoys.com", "events@tailspintoys.com", "hr@contoso.com", "it-helpdesk@contoso.com", "deals@bestbargains-mail.biz", "account@secure-paypa1-verify.com"]
        let subjects = ["Order confirmation #48213", "Weekly newsletter", "Invoice for November", "You appeared in 12 searches this week", "Ticket 5521 updated", "Save the date: partner summit", "Open enrollment reminder", "Planned maintenance on Saturday", "Huge discounts this week only", "Your account has been limited"]
        pools["sender"] = senders
        pools["Subject"] = subjects
        for _ in 0..<Int((Double(world.users.count * config.days) * 14 * config.eventScale).rounded()) {
            let u = g.below(world.users.count)
            var e = Event(time: randomTime(), device: -1, user: Int32(u), action: Int16(pick([(0, 70), (1, 15), (2, 15)])))
            if e.action == 2 { e.item = Int32(6 + g.below(2)); e.variant = 0 }
            else {
                e.item = Int32(g.below(6))
                // variant: 0 clean, 1 spam (junked), 2 phish (blocked)
                let k = g.below(100)
                if e.action == 0, k < 6 { e.variant = 1; e.item = 8 }
                else if e.action == 0, k < 8 { e.variant = 2; e.item = 9 }
            }
            set.append(e)
        }
    }

    mutating func alertNoise() {
        // Mail alerts that name users and messages but no device (the triage query stays clean).
        // Both alert tables draw from one generator so their alerts agree.
        var g = SplitMix64(seed: SplitMix64.derive(config.seed, "alerts"))
        actions = ["Email reported by user as malware or phish", "Email messages containing malicious URL removed after delivery"]
        for day in 0..<config.days where g.chance(0.6) {
            let u = g.below(world.users.count)
            let t = start + Int64(day) * KQLDateTime.ticksPerDay + (9 + Int64(g.below(8))) * Self.hour
            let alert = Int32(day)
            set.append(Event(time: t, device: -1, user: Int32(u), action: Int16(g.below(2)), variant: 0, item: alert))
            if table == "AlertEvidence" {
                set.append(Event(time: t, device: -1, user: Int32(u), action: 0, variant: 1, item: alert))
            }
        }
    }

    mutating func identityNoise() {
        actions = ["LogonSuccess", "LogonFailed"]
        for _ in 0..<Int((Double(world.users.count * config.days) * 10 * config.eventScale).rounded()) {
            let u = g.below(world.users.count)
            var e = Event(time: randomTime(), device: Int32(world.users[u].device), user: Int32(u), action: 0, variant: Int16(g.below(3)))
            if g.chance(0.03) { e.action = 1 }
            set.append(e)
        }
        for _ in 0..<perDeviceDay(4) {
            let d = randomDevice()
            set.append(Event(time: randomTime(), device: Int32(d), user: -2, action: 0, variant: 0))
        }
    }
}
