import KQL

/// Column values: which event field each schema column is read from.
extension Generator {
    func getter(for name: String) -> Getter {
        tableGetter(name) ?? commonGetter(name) ?? fallback(name)
    }

    private func fallback(_ name: String) -> Getter {
        let type = HuntingSchema.defender.table(named: table)?.column(named: name)?.type ?? .string
        return .constant(type == .string ? .string("") : .null(type))
    }

    // MARK: Accounts

    /// Values of one account column per user, and the SYSTEM value (`field`: Domain, Name, Sid, Upn, ObjectId).
    func accountValues(_ field: String) -> (users: [String], system: String) {
        let users = world.users.map { user -> String in
            switch field {
            case "Domain": "contoso"
            case "Name": user.sam
            case "Sid": user.sid
            case "Upn": user.upn
            case "ObjectId": user.objectId
            default: ""
            }
        }
        let system = ["Domain": "nt authority", "Name": "system", "Sid": "S-1-5-18"][field] ?? ""
        return (users, system)
    }

    /// An account column: the acting user's value, or SYSTEM's when `system` says so.
    func accountGetter(_ field: String, system: @escaping (Event) -> Bool) -> Getter {
        let (users, systemValue) = accountValues(field)
        return .string { e in e.user >= 0 && !system(e) ? users[Int(e.user)] : systemValue }
    }

    private func isSystem(_ proc: Int32, _ e: Event) -> Bool {
        e.user < 0 || (proc >= 0 && systemProcess[Int(proc)])
    }

    private func integrity(_ proc: Int32, _ e: Event) -> String {
        if isSystem(proc, e) { return "System" }
        return world.users[Int(e.user)].isAdmin ? "High" : "Medium"
    }

    private func elevation(_ proc: Int32, _ e: Event) -> String {
        if isSystem(proc, e) { return "TokenElevationTypeDefault" }
        return world.users[Int(e.user)].isAdmin ? "TokenElevationTypeFull" : "TokenElevationTypeLimited"
    }

    private func logonId(_ e: Event, _ proc: Int32) -> Int64 {
        isSystem(proc, e) ? 999 : 0x1_0000 + Int64(e.user) * 7919 + Int64(e.device) * 131
    }

    // MARK: Common columns

    private func commonGetter(_ name: String) -> Getter? {
        let w = world
        let actions = actions
        let isProcessTable = table == "DeviceProcessEvents"
        // The process a row's InitiatingProcess* columns describe.
        let initiator: (Event) -> Int32 = isProcessTable ? { $0.parent } : { $0.proc }
        let processFile = w.processes.map(\.file)
        let fileOf: (Event) -> Int = { e in
            if e.file >= 0 { return Int(e.file) }
            if e.file == -1, e.proc >= 0 { return processFile[Int(e.proc)] }
            return -1
        }
        func fileText(_ f: (FileEntity) -> String) -> Getter {
            let values = w.files.map(f)
            return .string { e in let i = fileOf(e); return i >= 0 ? values[i] : "" }
        }
        func procFile(_ proc: @escaping (Event) -> Int32, _ f: (FileEntity) -> String) -> Getter {
            let values = w.processes.map { f(w.files[$0.file]) }
            return .string { e in let p = proc(e); return p >= 0 ? values[Int(p)] : "" }
        }
        let fullPath = w.files.map { $0.folder + $0.name }
        let inProfile = w.files.map(\.inUserProfile)
        let profiles = w.users.map { "C:\\Users\\" + $0.sam + "\\" }
        let folderPath: (Int, Int32) -> String = { i, u in
            inProfile[i] ? (u >= 0 ? profiles[Int(u)] : "C:\\Users\\Public\\") + fullPath[i] : fullPath[i]
        }
        let sizes = w.files.map(\.size)
        let commandLines = w.processes.map(\.commandLines)
        let targetProc: (Event) -> Int32 = { $0.proc }
        if name.hasPrefix("InitiatingProcess") {
            let field = String(name.dropFirst("InitiatingProcess".count))
            switch field {
            case "FileName": return procFile(initiator) { $0.name }
            case "SHA1": return procFile(initiator) { $0.sha1 }
            case "SHA256": return procFile(initiator) { $0.sha256 }
            case "MD5": return procFile(initiator) { $0.md5 }
            case "FileSize": return .long { e in let p = initiator(e); return p >= 0 ? sizes[processFile[Int(p)]] : 0 }
            case "FolderPath": return .string { e in let p = initiator(e); return p >= 0 ? folderPath(processFile[Int(p)], e.user) : "" }
            case "VersionInfoCompanyName": return procFile(initiator) { $0.company }
            case "VersionInfoProductName": return procFile(initiator) { $0.product }
            case "VersionInfoProductVersion": return procFile(initiator) { $0.version }
            case "VersionInfoInternalFileName", "VersionInfoOriginalFileName": return procFile(initiator) { $0.company.isEmpty ? "" : $0.name }
            case "VersionInfoFileDescription": return procFile(initiator) { $0.description }
            case "Id": return .long { e in Int64(mix(e.time / 36_000_000_000, Int64(e.device) &+ Int64(initiator(e)) << 20) % 16000) * 4 + 1000 }
            case "CommandLine":
                return .string { e in
                    let p = initiator(e)
                    guard p >= 0 else { return "" }
                    let lines = commandLines[Int(p)]
                    return p == e.proc ? lines[Int(e.variant) % lines.count] : lines[0]
                }
            case "CreationTime": return .date { e in e.time - Int64(mix(e.time, 7) % 3600) * Self.tick }
            case "ParentId": return .long { e in Int64(mix(Int64(e.device), Int64(initiator(e))) % 4000) * 4 + 400 }
            case "ParentFileName":
                let parents = w.processes.map(\.parentName)
                return .string { e in let p = initiator(e); return p >= 0 ? parents[Int(p)] : "" }
            case "ParentCreationTime": return .date { e in e.time - Int64(mix(e.time, 11) % 86_400) * Self.tick - Self.hour }
            case "IntegrityLevel": return .string { e in integrity(initiator(e), e) }
            case "TokenElevation": return .string { e in elevation(initiator(e), e) }
            case "SignerType": return procFile(initiator) { $0.company.hasPrefix("Microsoft") ? "OsVendor" : ($0.company.isEmpty ? "None" : "ThirdParty") }
            case "SignatureStatus": return procFile(initiator) { $0.company.isEmpty ? "Unsigned" : "Valid" }
            case "AccountDomain", "AccountName", "AccountSid", "AccountUpn", "AccountObjectId":
                return accountGetter(String(field.dropFirst("Account".count))) { e in isSystem(initiator(e), e) }
            case "LogonId": return .long { e in logonId(e, initiator(e)) }
            case "SessionId": return .long { e in isSystem(initiator(e), e) ? 0 : (w.devices[Int(e.device)].isServer ? 2 : 1) }
            case "UniqueId": return .string { e in String(mix(e.time, Int64(initiator(e))) % 10_000_000_000_000) }
            case "RemoteSessionDeviceName", "RemoteSessionIP": return .string { _ in "" }
            default: return nil
            }
        }
        switch name {
        case "IsInitiatingProcessRemoteSession", "IsProcessRemoteSession": return .bool { _ in false }
        case "ProcessRemoteSessionDeviceName", "ProcessRemoteSessionIP": return .string { _ in "" }
        case "Timestamp": return .date { $0.time }
        case "DeviceId": return .string { e in e.device >= 0 ? w.devices[Int(e.device)].id : "" }
        case "DeviceName": return .string { e in e.device >= 0 ? w.devices[Int(e.device)].name : "" }
        case "ActionType": return .string { e in actions[Int(e.action)] }
        case "FileName": return fileText { $0.name }
        case "FolderPath": return .string { e in let i = fileOf(e); return i >= 0 ? folderPath(i, e.user) : "" }
        case "SHA1": return fileText { $0.sha1 }
        case "SHA256": return fileText { $0.sha256 }
        case "MD5": return fileText { $0.md5 }
        case "FileSize": return .long { e in let i = fileOf(e); return i >= 0 ? sizes[i] : 0 }
        case "ProcessVersionInfoCompanyName": return procFile(targetProc) { $0.company }
        case "ProcessVersionInfoProductName": return procFile(targetProc) { $0.product }
        case "ProcessVersionInfoProductVersion": return procFile(targetProc) { $0.version }
        case "ProcessVersionInfoInternalFileName", "ProcessVersionInfoOriginalFileName": return procFile(targetProc) { $0.company.isEmpty ? "" : $0.name }
        case "ProcessVersionInfoFileDescription": return procFile(targetProc) { $0.description }
        case "ProcessId": return .long { e in Int64(mix(e.time, Int64(e.device)) % 16000) * 4 + 1000 }
        case "ProcessCommandLine":
            return .string { e in
                guard e.proc >= 0 else { return "" }
                let lines = commandLines[Int(e.proc)]
                return lines[Int(e.variant) % lines.count]
            }
        case "ProcessIntegrityLevel": return .string { e in integrity(e.proc, e) }
        case "ProcessTokenElevation": return .string { e in elevation(e.proc, e) }
        case "ProcessCreationTime": return .date { $0.time }
        case "CreatedProcessSessionId": return .long { e in isSystem(e.proc, e) ? 0 : 1 }
        case "AccountDomain", "AccountName", "AccountSid", "AccountUpn", "AccountObjectId":
            return accountGetter(String(name.dropFirst("Account".count))) { e in isSystem(e.proc, e) }
        case "LogonId", "LogonID": return .long { e in logonId(e, e.proc) }
        case "ReportId": return .long { e in Int64(mix(e.time, Int64(e.device)) % 1_000_000) }
        case "AppGuardContainerId": return .string { _ in "" }
        case "LocalIP": return .string { e in e.device >= 0 ? w.devices[Int(e.device)].ip : "" }
        case "LocalPort": return .long { e in Int64(49152 + mix(e.time, 3) % 16000) }
        default: break
        }
        if let pool = pools[name] {
            return .string { e in e.item >= 0 && Int(e.item) < pool.count ? pool[Int(e.item)] : "" }
        }
        return nil
    }
}
