import KQL

/// A file with its hashes; hashes are a pure function of the file name, so the same name always has
/// the same SHA1/SHA256/MD5 everywhere in the tenant.
struct FileEntity: Sendable {
    var name: String
    /// The folder; when `inUserProfile` it is relative to `C:\Users\<account>\`.
    var folder: String
    var inUserProfile: Bool
    var sha1: String
    var sha256: String
    var md5: String
    var size: Int64
    var company: String
    var product: String
    var version: String
    var description: String

    init(name: String, folder: String, inUserProfile: Bool = false, company: String = "", product: String = "", version: String = "", description: String = "") {
        self.name = name
        self.folder = folder
        self.inUserProfile = inUserProfile
        var g = SplitMix64(seed: SplitMix64.derive(0x5EED_F11E, name))
        sha1 = g.hex(40)
        sha256 = g.hex(64)
        md5 = g.hex(32)
        size = Int64(4096 + g.below(4_000_000))
        self.company = company
        self.product = product
        self.version = version
        self.description = description
    }
}

/// A kind of process: its image, how it is started and by whom.
struct ProcessProfile: Sendable {
    var file: Int
    var commandLines: [String]
    var runsAsSystem: Bool
    var parentName: String
}

struct Device: Sendable {
    var id: String
    var name: String
    var ip: String
    var publicIP: String
    var isServer: Bool
    var isInternetFacing: Bool
    var osPlatform: String
    var osBuild: Int64
    var osVersion: String
    var mac: String
    var aadDeviceId: String
    var primaryUser: Int
    var loggedOnUsers: String
}

struct User: Sendable {
    var sam: String
    var displayName: String
    var upn: String
    var sid: String
    var objectId: String
    var isAdmin: Bool
    var device: Int
}

func guid(_ g: inout SplitMix64) -> String {
    let h = g.hex(32)
    let u = Array(h.utf8)
    func part(_ r: Range<Int>) -> String { String(decoding: u[r], as: UTF8.self) }
    return "\(part(0..<8))-\(part(8..<12))-4\(part(13..<16))-a\(part(17..<20))-\(part(20..<32))"
}

/// The fixed world of a tenant: devices, users, files and process kinds, derived from the seed only.
struct World: Sendable {
    var devices: [Device] = []
    var users: [User] = []
    var files: [FileEntity] = []
    var processes: [ProcessProfile] = []
    var processIndex: [String: Int] = [:]
    var serverCount = 0
    let domainSIDPrefix = "S-1-5-21-1004336348-1177238915-682003330-"

    static let firstNames = ["anna", "ben", "carla", "david", "emma", "felix", "grace", "hugo", "ines", "jonas", "karin", "liam", "maria", "noah", "olivia", "paul", "quinn", "rosa", "sam", "tara", "umar", "vera", "will", "xenia", "yusuf", "zoe"]
    static let lastNames = ["adams", "baker", "clark", "diaz", "evans", "fischer", "garcia", "hall", "ito", "jensen", "khan", "lopez", "meyer", "nguyen", "owens", "patel", "reyes", "schmidt", "taylor", "vogel", "wright", "young"]
    static let serverNames = ["srv-dc-01", "srv-file-01", "srv-rdp-01", "srv-sql-01", "srv-web-01", "srv-app-01", "srv-dc-02", "srv-sql-02"]

    init(seed: UInt64, deviceCount: Int, userCount: Int) {
        var g = SplitMix64(seed: SplitMix64.derive(seed, "world"))
        serverCount = min(max(deviceCount / 6, deviceCount >= 4 ? 3 : 1), Self.serverNames.count, deviceCount)
        let workstations = max(deviceCount - serverCount, 1)
        var used = Set<String>()
        for i in 0..<userCount {
            let first = Self.firstNames[g.below(Self.firstNames.count)]
            let last = Self.lastNames[g.below(Self.lastNames.count)]
            var sam = "\(first.first!)\(last)"
            var upnName = "\(first).\(last)"
            var n = 1
            while used.contains(sam) { n += 1; sam = "\(first.first!)\(last)\(n)"; upnName = "\(first).\(last)\(n)" }
            used.insert(sam)
            let display = "\(first.prefix(1).uppercased())\(first.dropFirst()) \(last.prefix(1).uppercased())\(last.dropFirst())"
            users.append(User(
                sam: sam, displayName: display, upn: "\(upnName)@contoso.com", sid: domainSIDPrefix + String(1104 + i),
                objectId: guid(&g), isAdmin: i < max(userCount / 10, 1),
                device: min(serverCount + i % workstations, deviceCount - 1)))
        }
        for i in 0..<deviceCount {
            let isServer = i < serverCount
            let short = isServer ? Self.serverNames[i] : "ws-\(String(1000 + i).dropFirst())"
            let win11 = g.chance(0.7)
            let (platform, build, version): (String, Int64, String) =
                isServer ? (i % 2 == 0 ? ("WindowsServer2022", 20348, "10.0") : ("WindowsServer2019", 17763, "10.0"))
                : (win11 ? ("Windows11", 22631, "23H2") : ("Windows10", 19045, "22H2"))
            let ip = isServer ? "10.0.0.\(10 + i)" : "10.1.\(i / 200).\(20 + i % 200)"
            let mac = (0..<6).map { _ in let b = g.below(256); return String(b, radix: 16, uppercase: true).count == 1 ? "0" + String(b, radix: 16, uppercase: true) : String(b, radix: 16, uppercase: true) }.joined(separator: "-")
            devices.append(Device(
                id: g.hex(40), name: "\(short).contoso.local", ip: ip,
                publicIP: isServer && i == 2 ? "52.174.18.\(20 + i)" : "52.174.18.\(5 + g.below(3))",
                isServer: isServer, isInternetFacing: isServer && i == 2 % max(serverCount, 1),
                osPlatform: platform, osBuild: build, osVersion: version, mac: mac, aadDeviceId: guid(&g),
                primaryUser: -1, loggedOnUsers: "[]"))
        }
        for (u, user) in users.enumerated() where devices[user.device].primaryUser < 0 && !devices[user.device].isServer {
            devices[user.device].primaryUser = u
            devices[user.device].loggedOnUsers = "[{\"UserName\":\"\(user.sam)\",\"DomainName\":\"CONTOSO\",\"Sid\":\"\(user.sid)\"}]"
        }
        buildCatalog()
    }

    private mutating func addFile(_ f: FileEntity) -> Int {
        files.append(f)
        return files.count - 1
    }

    private mutating func addProcess(_ name: String, _ folder: String, company: String = "Microsoft Corporation", product: String = "Microsoft® Windows® Operating System", version: String = "10.0.22621.4391", description: String, system: Bool, parent: String, _ commandLines: [String]) {
        let file = addFile(FileEntity(name: name, folder: folder, company: company, product: product, version: version, description: description))
        processIndex[name] = processes.count
        processes.append(ProcessProfile(file: file, commandLines: commandLines, runsAsSystem: system, parentName: parent))
    }

    func process(_ name: String) -> Int { processIndex[name]! }

    private mutating func buildCatalog() {
        let sys32 = "C:\\Windows\\System32\\"
        let office = "C:\\Program Files\\Microsoft Office\\root\\Office16\\"
        let officeProduct = "Microsoft Office"
        addProcess("wininit.exe", sys32, description: "Windows Start-Up Application", system: true, parent: "smss.exe", ["wininit.exe"])
        addProcess("userinit.exe", sys32, description: "Userinit Logon Application", system: false, parent: "winlogon.exe", ["C:\\WINDOWS\\system32\\userinit.exe"])
        addProcess("explorer.exe", "C:\\Windows\\", description: "Windows Explorer", system: false, parent: "userinit.exe", ["C:\\WINDOWS\\Explorer.EXE"])
        addProcess("services.exe", sys32, description: "Services and Controller app", system: true, parent: "wininit.exe", ["C:\\WINDOWS\\system32\\services.exe"])
        addProcess("svchost.exe", sys32, description: "Host Process for Windows Services", system: true, parent: "services.exe", [
            "svchost.exe -k netsvcs -p -s Schedule", "svchost.exe -k NetworkService -p -s Dnscache", "svchost.exe -k LocalServiceNetworkRestricted -p -s EventLog",
            "svchost.exe -k netsvcs -p -s wuauserv", "svchost.exe -k LocalSystemNetworkRestricted -p -s SysMain", "svchost.exe -k DcomLaunch -p",
        ])
        addProcess("chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\", company: "Google LLC", product: "Google Chrome", version: "131.0.6778.86", description: "Google Chrome", system: false, parent: "explorer.exe", [
            "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --lang=en-US --num-raster-threads=4",
        ])
        addProcess("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\", product: "Microsoft Edge", version: "131.0.2903.63", description: "Microsoft Edge", system: false, parent: "explorer.exe", [
            "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --single-argument https://contoso.sharepoint.com/sites/intranet",
            "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\"",
        ])
        addProcess("OUTLOOK.EXE", office, product: officeProduct, version: "16.0.18129.20158", description: "Microsoft Outlook", system: false, parent: "explorer.exe", ["\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\""])
        addProcess("WINWORD.EXE", office, product: officeProduct, version: "16.0.18129.20158", description: "Microsoft Word", system: false, parent: "explorer.exe", [
            "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\Public\\Documents\\Quarterly Plan.docx\"",
        ])
        addProcess("EXCEL.EXE", office, product: officeProduct, version: "16.0.18129.20158", description: "Microsoft Excel", system: false, parent: "explorer.exe", ["\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\""])
        addProcess("ms-teams.exe", "C:\\Program Files\\WindowsApps\\MSTeams_24295.605.3225.8804_x64__8wekyb3d8bbwe\\", product: "Microsoft Teams", version: "24295.605.3225.8804", description: "Microsoft Teams", system: false, parent: "explorer.exe", ["\"ms-teams.exe\" msteams:system-initiated"])
        addProcess("OneDrive.exe", "C:\\Program Files\\Microsoft OneDrive\\", product: "Microsoft OneDrive", version: "24.211.1020.0002", description: "Microsoft OneDrive", system: false, parent: "explorer.exe", ["\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /background"])
        addProcess("notepad.exe", sys32, description: "Notepad", system: false, parent: "explorer.exe", ["\"C:\\WINDOWS\\system32\\notepad.exe\""])
        addProcess("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\", product: "Microsoft® Windows® Operating System", version: "4.18.24090.11", description: "Antimalware Service Executable", system: true, parent: "services.exe", ["\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe\""])
        addProcess("MpCmdRun.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\", version: "4.18.24090.11", description: "Microsoft Malware Protection Command Line Utility", system: true, parent: "MsMpEng.exe", ["\"MpCmdRun.exe\" -SignatureUpdate -MMPC", "\"MpCmdRun.exe\" -Scan -ScanType 1"])
        addProcess("msiexec.exe", sys32, description: "Windows® installer", system: true, parent: "services.exe", ["C:\\WINDOWS\\system32\\msiexec.exe /V", "C:\\WINDOWS\\System32\\MsiExec.exe -Embedding 3F2504E04F8941D3 E Global\\MSI0000"])
        addProcess("powershell.exe", sys32 + "WindowsPowerShell\\v1.0\\", description: "Windows PowerShell", system: false, parent: "explorer.exe", [
            "powershell.exe -NoProfile -ExecutionPolicy Bypass -File \\\\contoso.local\\NETLOGON\\Get-Inventory.ps1",
            "\"C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoLogo",
            "powershell.exe -Command Get-Service | Where-Object Status -eq Stopped",
        ])
        addProcess("conhost.exe", sys32, description: "Console Window Host", system: false, parent: "powershell.exe", ["\\??\\C:\\WINDOWS\\system32\\conhost.exe 0xffffffff -ForceV1"])
        addProcess("taskhostw.exe", sys32, description: "Host Process for Windows Tasks", system: false, parent: "svchost.exe", ["taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly", "taskhostw.exe"])
        addProcess("sqlservr.exe", "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\", product: "Microsoft SQL Server", version: "2022.160.4155.4", description: "SQL Server Windows NT - 64 Bit", system: true, parent: "services.exe", ["\"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe\" -sMSSQLSERVER"])
        addProcess("lsass.exe", sys32, description: "Local Security Authority Process", system: true, parent: "wininit.exe", ["C:\\WINDOWS\\system32\\lsass.exe"])
        // Used by the attack stories only; benign noise never starts these.
        addProcess("certutil.exe", sys32, description: "CertUtil.exe", system: false, parent: "powershell.exe", ["certutil.exe"])
        addProcess("rundll32.exe", sys32, description: "Windows host process (Rundll32)", system: false, parent: "powershell.exe", ["rundll32.exe"])
        addProcess("net.exe", sys32, description: "Net Command", system: false, parent: "cmd.exe", ["net.exe"])
        addProcess("cmd.exe", sys32, description: "Windows Command Processor", system: false, parent: "winupd.exe", ["cmd.exe"])
        addProcess("schtasks.exe", sys32, description: "Task Scheduler Configuration Tool", system: false, parent: "cmd.exe", ["schtasks.exe"])
        addProcess("wevtutil.exe", sys32, description: "Eventing Command Line Utility", system: false, parent: "cmd.exe", ["wevtutil.exe"])
        addProcess("vssadmin.exe", sys32, description: "Command Line Interface for Microsoft® Volume Shadow Copy Service", system: false, parent: "cmd.exe", ["vssadmin.exe"])
        addProcess("reg.exe", sys32, description: "Registry Console Tool", system: false, parent: "cmd.exe", ["reg.exe"])
        addProcess("winupd.exe", "C:\\Users\\Public\\", company: "", product: "", version: "", description: "", system: false, parent: "powershell.exe", ["\"C:\\Users\\Public\\winupd.exe\" -s"])
    }

    /// Full folder path of a file for an account (user profile files live under the account's profile).
    @inline(__always)
    func folderPath(file: Int, user: Int) -> String {
        let f = files[file]
        guard f.inUserProfile else { return f.folder + f.name }
        let sam = user >= 0 ? users[user].sam : "Public"
        return "C:\\Users\\" + sam + "\\" + f.folder + f.name
    }
}
