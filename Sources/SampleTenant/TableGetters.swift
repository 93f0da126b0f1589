import KQL

/// Columns whose meaning depends on the table.
extension Generator {
    func tableGetter(_ name: String) -> Getter? {
        switch table {
        case "DeviceNetworkEvents": networkColumn(name)
        case "DeviceFileEvents": fileColumn(name)
        case "DeviceRegistryEvents": registryColumn(name)
        case "DeviceEvents": deviceEventColumn(name)
        case "DeviceLogonEvents": logonColumn(name)
        case "DeviceInfo": deviceInfoColumn(name)
        case "DeviceNetworkInfo": networkInfoColumn(name)
        case "EmailEvents": emailColumn(name)
        case "AlertInfo", "AlertEvidence": alertColumn(name)
        case "IdentityLogonEvents": identityColumn(name)
        default: nil
        }
    }

    private func networkColumn(_ name: String) -> Getter? {
        let ports = (pools["RemotePort"] ?? []).map { Int64($0) ?? 443 }
        switch name {
        case "RemotePort": return .long { e in ports[Int(e.item)] }
        case "Protocol": return .string { e in ports[Int(e.item)] == 53 ? "Udp" : "Tcp" }
        case "LocalIPType": return .string { _ in "Private" }
        case "AdditionalFields": return .string { _ in "" }
        default: return nil
        }
    }

    private func fileColumn(_ name: String) -> Getter? {
        let w = world
        let origin = pools["FileOriginUrl"] ?? []
        let chrome = p("chrome.exe")
        func smb(_ e: Event) -> Bool { e.item == -2 }
        func requester(_ e: Event) -> User { w.users[Int(e.variant) % w.users.count] }
        switch name {
        case "FileOriginUrl": return .string { e in e.proc == chrome && e.item >= 0 ? origin[Int(e.item) % origin.count] : "" }
        case "FileOriginReferrerUrl": return .string { e in e.proc == chrome && e.item >= 0 ? "https://www.google.com/" : "" }
        case "FileOriginIP": return .string { e in e.proc == chrome && e.item >= 0 ? "142.250.185.78" : "" }
        case "PreviousFolderPath": return .string { e in e.action == 2 ? w.folderPath(file: Int(e.file), user: Int(e.user)).replacingOccurrences(of: "Documents", with: "Desktop") : "" }
        case "PreviousFileName": return .string { e in e.action == 2 ? "Copy of " + w.files[Int(e.file)].name : "" }
        case "RequestProtocol": return .string { e in smb(e) ? "SMB" : "Local" }
        case "RequestSourceIP": return .string { e in smb(e) ? w.devices[requester(e).device].ip : "" }
        case "RequestSourcePort": return .long { e in smb(e) ? Int64(49152 + mix(e.time, 5) % 16000) : 0 }
        case "RequestAccountName": return .string { e in smb(e) ? requester(e).sam : "" }
        case "RequestAccountDomain": return .string { e in smb(e) ? "CONTOSO" : "" }
        case "RequestAccountSid": return .string { e in smb(e) ? requester(e).sid : "" }
        case "ShareName": return .string { e in smb(e) ? "Finance" : "" }
        case "SensitivityLabel": return .string { e in e.file >= 0 && w.files[Int(e.file)].name.hasPrefix("Budget") ? "Confidential" : "" }
        case "SensitivitySubLabel": return .string { e in e.file >= 0 && w.files[Int(e.file)].name.hasPrefix("Budget") ? "Finance" : "" }
        case "IsAzureInfoProtectionApplied": return .bool { e in e.file >= 0 && w.files[Int(e.file)].name.hasPrefix("Budget") }
        case "AdditionalFields":
            let types = w.files.map { "{\"FileType\":\"\($0.name.split(separator: ".").last.map { $0.uppercased() } ?? "")\"}" }
            return .string { e in e.action == 0 && e.file >= 0 ? types[Int(e.file)] : "" }
        default: return nil
        }
    }

    private func registryColumn(_ name: String) -> Getter? {
        let w = world
        let keys = (pools["key"] ?? []).map { key -> (String, String, Bool) in
            guard let r = key.range(of: "{sid}") else { return (key, "", false) }
            return (String(key[..<r.lowerBound]), String(key[r.upperBound...]), true)
        }
        let data = pools["RegistryValueData"] ?? []
        let names = pools["RegistryValueName"] ?? []
        func key(_ e: Event) -> String {
            let (a, b, hasSid) = keys[Int(e.item)]
            guard hasSid else { return a }
            return a + (e.user >= 0 ? w.users[Int(e.user)].sid : "S-1-5-18") + b
        }
        switch name {
        case "RegistryKey", "PreviousRegistryKey": return .string(key)
        case "PreviousRegistryValueName": return .string { e in e.action == 0 ? names[Int(e.item)] : "" }
        case "PreviousRegistryValueData": return .string { e in e.action == 0 && e.time & 1 == 0 ? data[Int(e.item)] : "" }
        default: return nil
        }
    }

    private func deviceEventColumn(_ name: String) -> Getter? {
        let w = world
        let lsassFile = w.processes[w.process("lsass.exe")].file
        let urls = pools["RemoteUrl"] ?? []
        let isLsass: (Event) -> Bool = { Int($0.file) == lsassFile }
        switch name {
        case "ProcessCommandLine": return .string { e in isLsass(e) ? "C:\\WINDOWS\\system32\\lsass.exe" : "" }
        case "ProcessId": return .long { e in isLsass(e) ? 724 + Int64(e.device % 8) * 4 : 0 }
        case "ProcessCreationTime": return .date { e in isLsass(e) ? e.time - 36 * Self.hour : Getter.nullTicks }
        case "ProcessTokenElevation": return .string { e in isLsass(e) ? "TokenElevationTypeDefault" : "" }
        case "AccountDomain", "AccountName", "AccountSid":
            return accountGetter(String(name.dropFirst("Account".count))) { _ in false }
        case "LogonId": return .long { e in e.user >= 0 ? 0x1_0000 + Int64(e.user) * 7919 + Int64(e.device) * 131 : 999 }
        case "RemoteUrl": return .string { e in e.action == 4 ? urls[Int(e.item) % urls.count] : "" }
        case "RemoteIP": return .string { e in e.action == 7 ? "10.0.0.10" : "" }
        case "RemotePort": return .long { e in e.action == 7 ? 53 : 0 }
        case "LocalIP": return .string { e in e.action == 7 ? w.devices[Int(e.device)].ip : "" }
        case "LocalPort": return .long { e in e.action == 7 ? Int64(49152 + mix(e.time, 3) % 16000) : 0 }
        case "RemoteDeviceName": return .string { e in e.action == 7 ? "srv-dc-01.contoso.local" : "" }
        case "CreatedProcessSessionId": return .long { _ in 0 }
        default: return nil
        }
    }

    private func logonColumn(_ name: String) -> Getter? {
        let w = world
        let types = pools["LogonType"] ?? []
        func remote(_ e: Event) -> Int { Int(e.item) }
        switch name {
        case "LogonType": return .string { e in types[Int(e.variant)] }
        case "Protocol": return .string { e in e.variant == 1 ? (e.time & 3 == 0 ? "NTLM" : "Kerberos") : "Negotiate" }
        case "FailureReason": return .string { e in e.action == 1 ? "InvalidUserNameOrPassword" : "" }
        case "IsLocalAdmin": return .bool { e in e.user < 0 || w.users[Int(e.user)].isAdmin }
        case "RemoteDeviceName": return .string { e in remote(e) >= 0 ? String(w.devices[remote(e)].name.prefix { $0 != "." }) : "" }
        case "RemoteIP": return .string { e in remote(e) >= 0 ? w.devices[remote(e)].ip : "" }
        case "RemoteIPType": return .string { e in remote(e) >= 0 ? "Private" : "" }
        case "RemotePort": return .long { e in remote(e) >= 0 ? Int64(49152 + mix(e.time, 9) % 16000) : 0 }
        case "AccountDomain", "AccountName", "AccountSid":
            return accountGetter(String(name.dropFirst("Account".count))) { _ in false }
        case "LogonId": return .long { e in 0x2_0000 + Int64(mix(e.time, Int64(e.device)) % 1_000_000) }
        case "AdditionalFields": return .string { e in e.variant == 2 || e.item >= 0 ? "{\"IsLocalLogon\":false}" : "{\"IsLocalLogon\":true}" }
        default: return nil
        }
    }

    private func deviceInfoColumn(_ name: String) -> Getter? {
        let w = world
        func dev(_ e: Event) -> Device { w.devices[Int(e.device)] }
        switch name {
        case "ClientVersion": return .string { _ in "10.8760.22621.1006" }
        case "PublicIP": return .string { dev($0).publicIP }
        case "OSArchitecture": return .string { _ in "64-bit" }
        case "OSPlatform": return .string { dev($0).osPlatform }
        case "OSBuild": return .long { dev($0).osBuild }
        case "IsAzureADJoined": return .bool { !dev($0).isServer }
        case "JoinType": return .string { dev($0).isServer ? "Domain Joined" : "Hybrid Azure AD Join" }
        case "AadDeviceId": return .string { dev($0).isServer ? "" : dev($0).aadDeviceId }
        case "LoggedOnUsers": return .string { dev($0).loggedOnUsers }
        case "RegistryDeviceTag": return .string { dev($0).isServer ? "Tier0" : "" }
        case "OSVersion": return .string { dev($0).osVersion }
        case "MachineGroup": return .string { dev($0).isServer ? "Servers" : "Workstations" }
        case "OnboardingStatus": return .string { _ in "Onboarded" }
        case "AdditionalFields": return .string { dev($0).isServer ? "{\"ServerRoles\":\"File, Print\"}" : "{\"BitLockerStatus\":\"On\"}" }
        case "DeviceCategory": return .string { _ in "Endpoint" }
        case "DeviceType": return .string { dev($0).isServer ? "Server" : "Workstation" }
        case "DeviceSubtype": return .string { _ in "" }
        case "Model": return .string { dev($0).isServer ? "Virtual Machine" : "Latitude 7440" }
        case "Vendor": return .string { dev($0).isServer ? "Microsoft Corporation" : "Dell Inc." }
        case "OSDistribution": return .string { _ in "" }
        case "OSVersionInfo": return .string { dev($0).isServer ? "" : dev($0).osVersion }
        case "MergedDeviceIds", "MergedToDeviceId", "HostDeviceId", "AzureResourceId", "AwsResourceName", "GcpFullResourceName", "ExclusionReason": return .string { _ in "" }
        case "IsInternetFacing": return .bool { dev($0).isInternetFacing }
        case "SensorHealthState": return .string { _ in "Active" }
        case "IsExcluded": return .bool { _ in false }
        case "ExposureLevel": return .string { dev($0).isInternetFacing ? "High" : (dev($0).isServer ? "Medium" : "Low") }
        case "AssetValue": return .string { dev($0).isServer ? "High" : "Normal" }
        case "DeviceManualTags": return .string { dev($0).isServer ? "[\"Tier0\"]" : "[]" }
        case "DeviceDynamicTags": return .string { _ in "[]" }
        case "ConnectivityType": return .string { _ in "Streamlined" }
        default: return nil
        }
    }

    private func networkInfoColumn(_ name: String) -> Getter? {
        let w = world
        func dev(_ e: Event) -> Device { w.devices[Int(e.device)] }
        switch name {
        case "NetworkAdapterName": return .string { dev($0).isServer ? "Ethernet" : "Wi-Fi" }
        case "MacAddress": return .string { dev($0).mac }
        case "NetworkAdapterType": return .string { dev($0).isServer ? "Ethernet" : "Wireless80211" }
        case "NetworkAdapterStatus": return .string { _ in "Up" }
        case "TunnelType": return .string { _ in "None" }
        case "ConnectedNetworks": return .string { _ in "[{\"Name\":\"contoso.local\",\"Description\":\"contoso.local\",\"IsConnectedToInternet\":true,\"Category\":\"Domain\"}]" }
        case "DnsAddresses": return .string { _ in "[\"10.0.0.10\",\"10.0.0.16\"]" }
        case "IPv4Dhcp": return .string { dev($0).isServer ? "" : "10.0.0.10" }
        case "IPv6Dhcp": return .string { _ in "" }
        case "DefaultGateways": return .string { dev($0).isServer ? "[\"10.0.0.1\"]" : "[\"10.1.0.1\"]" }
        case "IPAddresses": return .string { "[{\"IPAddress\":\"\(dev($0).ip)\",\"SubnetPrefix\":16,\"AddressType\":\"Private\"}]" }
        case "NetworkAdapterVendor": return .string { dev($0).isServer ? "Microsoft" : "Intel Corporation" }
        case "ReportId": return .long { e in Int64(mix(e.time, Int64(e.device)) % 1_000_000) }
        default: return nil
        }
    }

    private func emailColumn(_ name: String) -> Getter? {
        let w = world
        let senders = pools["sender"] ?? []
        let subjects = pools["Subject"] ?? []
        func user(_ e: Event) -> User { w.users[Int(e.user)] }
        func inbound(_ e: Event) -> Bool { e.action == 0 }
        func sender(_ e: Event) -> String { inbound(e) ? senders[Int(e.item)] : (e.action == 2 ? senders[Int(e.item)] : user(e).upn) }
        func domain(_ s: String) -> String { String(s.split(separator: "@").last ?? "") }
        func id(_ e: Event) -> String {
            let h = mix(e.time, Int64(e.user))
            let s = String(h, radix: 16)
            let p = String(repeating: "0", count: 16 - s.count) + s
            return "\(p.prefix(8))-\(p.dropFirst(8).prefix(4))-4\(p.dropFirst(12).prefix(3))-8\(p.suffix(3))-\(p.prefix(12))"
        }
        let delivery = ["Delivered", "Junked", "Blocked"]
        switch name {
        case "NetworkMessageId": return .string(id)
        case "InternetMessageId": return .string { e in "<\(String(mix(e.time, 1), radix: 36))@\(domain(sender(e)))>" }
        case "SenderMailFromAddress", "SenderFromAddress": return .string(sender)
        case "SenderDisplayName": return .string { e in inbound(e) ? String(sender(e).split(separator: "@").last!.split(separator: ".").first!).capitalized : user(e).displayName }
        case "SenderObjectId": return .string { e in inbound(e) ? "" : user(e).objectId }
        case "SenderMailFromDomain", "SenderFromDomain": return .string { e in domain(sender(e)) }
        case "SenderIPv4": return .string { e in inbound(e) ? "40.107.\(e.item * 13 % 250).\(20 + e.item)" : "10.0.0.25" }
        case "SenderIPv6": return .string { _ in "" }
        case "RecipientEmailAddress": return .string { e in e.action == 1 ? "contact@" + domain(senders[Int(e.item)]) : user(e).upn }
        case "RecipientObjectId": return .string { e in e.action == 1 ? "" : user(e).objectId }
        case "Subject": return .string { e in subjects[Int(e.item) % subjects.count] }
        case "EmailClusterId": return .long { e in Int64(mix(Int64(e.item), 77) % 100_000_000_000) }
        case "EmailDirection": return .string { e in ["Inbound", "Outbound", "Intra-org"][Int(e.action)] }
        case "DeliveryAction", "LatestDeliveryAction": return .string { e in delivery[Int(e.variant)] }
        case "DeliveryLocation", "LatestDeliveryLocation": return .string { e in e.action == 1 ? "On-premises/external" : ["Inbox/folder", "Junk folder", "Quarantine"][Int(e.variant)] }
        case "ThreatTypes": return .string { e in ["", "Spam", "Phish"][Int(e.variant)] }
        case "ThreatNames": return .string { _ in "" }
        case "DetectionMethods": return .string { e in ["", "{\"Spam\":[\"Advanced filter\"]}", "{\"Phish\":[\"URL detonation reputation\"]}"][Int(e.variant)] }
        case "ConfidenceLevel": return .string { e in ["", "{\"Spam\":\"High\"}", "{\"Phish\":\"High\"}"][Int(e.variant)] }
        case "BulkComplaintLevel": return .long { e in e.item == 1 || e.item == 3 ? 6 : 0 }
        case "EmailAction": return .string { e in ["No action", "Move to junk mail folder", "Send to quarantine"][Int(e.variant)] }
        case "EmailActionPolicy": return .string { e in ["", "Antispam", "Antiphish"][Int(e.variant)] }
        case "EmailActionPolicyGuid": return .string { e in ["", "8e2a3c1f-5b7d-4e90-a1c2-3d4e5f607182", "0f1e2d3c-4b5a-4697-8879-6a5b4c3d2e1f"][Int(e.variant)] }
        case "AuthenticationDetails":
            return .string { e in
                e.variant == 2 ? "{\"SPF\":\"fail\",\"DKIM\":\"none\",\"DMARC\":\"fail\",\"CompAuth\":\"fail\"}"
                    : "{\"SPF\":\"pass\",\"DKIM\":\"pass\",\"DMARC\":\"pass\",\"CompAuth\":\"pass\"}"
            }
        case "AttachmentCount": return .long { e in e.item == 2 || e.item == 0 ? 1 : 0 }
        case "UrlCount": return .long { e in Int64(1 + e.item % 3) }
        case "EmailLanguage": return .string { _ in "en" }
        case "Connectors", "OrgLevelAction", "OrgLevelPolicy", "UserLevelAction", "UserLevelPolicy": return .string { _ in "" }
        case "ReportId": return .string { e in id(e) + "-" + String(mix(e.time, 3) % 100_000_000_000_000) }
        case "AdditionalFields": return .string { _ in "" }
        default: return nil
        }
    }

    private func alertColumn(_ name: String) -> Getter? {
        let w = world
        let seed = Int64(bitPattern: config.seed)
        func user(_ e: Event) -> User { w.users[Int(e.user)] }
        let mail = { (e: Event) -> Bool in e.variant == 0 }
        switch name {
        case "AlertId": return .string { e in "fa" + String(mix(Int64(e.item), seed), radix: 16) + "-" + String(mix(seed, Int64(e.item)) % 100_000_000) }
        case "Title": return .string { e in ["Email reported by user as malware or phish", "Email messages containing malicious URL removed after delivery"][Int(e.action)] }
        case "Category", "Categories": return .string { _ in name == "Category" ? "InitialAccess" : "[\"InitialAccess\"]" }
        case "Severity": return .string { _ in "Informational" }
        case "ServiceSource", "DetectionSource": return .string { _ in "Microsoft Defender for Office 365" }
        case "AttackTechniques": return .string { _ in "[\"Phishing (T1566)\"]" }
        case "EntityType": return .string { e in mail(e) ? "MailMessage" : "User" }
        case "EvidenceRole": return .string { e in mail(e) ? "Related" : "Impacted" }
        case "EvidenceDirection": return .string { _ in "" }
        case "AccountName": return .string { e in mail(e) ? "" : user(e).sam }
        case "AccountDomain": return .string { e in mail(e) ? "" : "contoso" }
        case "AccountSid": return .string { e in mail(e) ? "" : user(e).sid }
        case "AccountObjectId": return .string { e in mail(e) ? "" : user(e).objectId }
        case "AccountUpn": return .string { e in mail(e) ? "" : user(e).upn }
        case "NetworkMessageId": return .string { e in mail(e) ? String(mix(Int64(e.item), seed &+ 1), radix: 16) : "" }
        case "EmailSubject": return .string { e in mail(e) ? "Your account has been limited" : "" }
        case "ApplicationId": return .long { _ in 0 }
        case "AdditionalFields": return .string { e in mail(e) ? "{\"Recipient\":\"\(user(e).upn)\"}" : "{\"UserPrincipalName\":\"\(user(e).upn)\"}" }
        case "DeviceId", "DeviceName", "FileName", "FolderPath", "SHA1", "SHA256", "RemoteIP", "RemoteUrl", "LocalIP", "ProcessCommandLine", "RegistryKey", "RegistryValueName", "RegistryValueData", "ThreatFamily", "Application", "OAuthApplicationId", "CloudResource", "CloudPlatform", "ResourceType", "ResourceID", "SubscriptionId":
            return .string { _ in "" }
        case "FileSize": return .long { _ in 0 }
        default: return nil
        }
    }

    private func identityColumn(_ name: String) -> Getter? {
        let w = world
        func dev(_ e: Event) -> Device { w.devices[Int(e.device)] }
        func machine(_ e: Event) -> Bool { e.user == -2 }
        func user(_ e: Event) -> User { w.users[Int(e.user)] }
        let dc = w.devices[0]
        let bags: [KQLDynamic] = [
            .bag([("Pivot type", .string("Unknown")), ("Count", .long(1)), ("TO.DEVICE", .string("srv-dc-01"))]),
            .bag([("Pivot type", .string("Unknown")), ("Count", .long(1)), ("TO.DEVICE", .string("srv-file-01"))]),
        ]
        switch name {
        case "Application": return .string { _ in "Active Directory" }
        case "LogonType": return .string { e in e.variant == 1 ? "Credentials validation" : "Resource access" }
        case "Protocol": return .string { e in e.variant == 1 ? "Ntlm" : "Kerberos" }
        case "FailureReason": return .string { e in e.action == 1 ? "WrongPassword" : "" }
        case "AccountName": return .string { e in machine(e) ? String(dev(e).name.prefix { $0 != "." }).uppercased() + "$" : user(e).sam }
        case "AccountDomain": return .string { _ in "contoso.local" }
        case "AccountUpn": return .string { e in machine(e) ? "" : user(e).upn }
        case "AccountSid": return .string { e in machine(e) ? w.domainSIDPrefix + String(3000 + e.device) : user(e).sid }
        case "AccountObjectId": return .string { e in machine(e) ? "" : user(e).objectId }
        case "AccountDisplayName": return .string { e in machine(e) ? "" : user(e).displayName }
        case "DeviceName": return .string { dev($0).name }
        case "DeviceType": return .string { dev($0).isServer ? "Server" : "Workstation" }
        case "OSPlatform": return .string { dev($0).osPlatform }
        case "IPAddress": return .string { dev($0).ip }
        case "Port": return .long { e in Int64(49152 + mix(e.time, 13) % 16000) }
        case "DestinationDeviceName": return .string { e in e.variant == 2 && w.devices.count > 1 ? w.devices[1].name : dc.name }
        case "DestinationIPAddress": return .string { e in e.variant == 2 && w.devices.count > 1 ? w.devices[1].ip : dc.ip }
        case "DestinationPort": return .long { e in e.variant == 1 ? 445 : 88 }
        case "TargetDeviceName": return .string { e in e.variant == 2 && w.devices.count > 1 ? w.devices[1].name : "" }
        case "TargetAccountDisplayName": return .string { _ in "" }
        case "Location", "Isp": return .string { _ in "" }
        case "ReportId": return .string { e in String(mix(e.time, Int64(e.user)), radix: 16) + "@" + dc.name }
        case "AdditionalFields": return .dynamic { e in bags[Int(e.variant) == 2 ? 1 : 0] }
        default: return nil
        }
    }
}
