import Foundation
import KQL
import SampleTenant
import Testing

/// Small tenants keep the suite fast on a 2-core machine.
let small = SampleTenantConfiguration(devices: 12, users: 12, days: 2)
let smallTenant = SampleTenant(small)

/// Columns that a real tenant also leaves empty for the activity we generate.
let justifiedEmpty: Set<String> = [
    "AppGuardContainerId", "InitiatingProcessRemoteSessionDeviceName", "InitiatingProcessRemoteSessionIP",
    "ProcessRemoteSessionDeviceName", "ProcessRemoteSessionIP", "IsInitiatingProcessRemoteSession", "IsProcessRemoteSession",
    // No cloud-app, cloud-resource or registry evidence in the planted alerts.
    "AlertEvidence.Application", "AlertEvidence.ApplicationId", "AlertEvidence.OAuthApplicationId", "AlertEvidence.CloudResource",
    "AlertEvidence.CloudPlatform", "AlertEvidence.ResourceType", "AlertEvidence.ResourceID", "AlertEvidence.SubscriptionId",
    "AlertEvidence.RegistryKey", "AlertEvidence.RegistryValueName", "AlertEvidence.RegistryValueData",
    // The DeviceEvents action types generated carry no registry, file-origin or created-session data.
    "DeviceEvents.CreatedProcessSessionId", "DeviceEvents.FileOriginIP", "DeviceEvents.FileOriginUrl",
    "DeviceEvents.RegistryKey", "DeviceEvents.RegistryValueData", "DeviceEvents.RegistryValueName",
    // On-premises Windows devices: no cloud ids, merges, exclusions or hosts.
    "DeviceInfo.AwsResourceName", "DeviceInfo.AzureResourceId", "DeviceInfo.GcpFullResourceName", "DeviceInfo.HostDeviceId",
    "DeviceInfo.MergedDeviceIds", "DeviceInfo.MergedToDeviceId", "DeviceInfo.IsExcluded", "DeviceInfo.ExclusionReason",
    "DeviceInfo.DeviceSubtype", "DeviceInfo.OSDistribution",
    // Logons are recorded by lsass.exe running as SYSTEM (no UPN, object id or session).
    "DeviceLogonEvents.InitiatingProcessAccountObjectId", "DeviceLogonEvents.InitiatingProcessAccountUpn",
    "DeviceLogonEvents.InitiatingProcessSessionId",
    "DeviceNetworkEvents.AdditionalFields", "DeviceProcessEvents.AdditionalFields",
    // No connectors or user/org-level overrides configured; no named malware in mail.
    "EmailEvents.AdditionalFields", "EmailEvents.Connectors", "EmailEvents.OrgLevelAction", "EmailEvents.OrgLevelPolicy",
    "EmailEvents.UserLevelAction", "EmailEvents.UserLevelPolicy", "EmailEvents.ThreatNames",
    // Active Directory logons have no geo-location or ISP.
    "IdentityLogonEvents.Isp", "IdentityLogonEvents.Location", "IdentityLogonEvents.TargetAccountDisplayName",
    // IPv4-only network.
    "DeviceNetworkInfo.IPv6Dhcp", "EmailEvents.SenderIPv6",
]

func isFilled(_ column: KQLColumn) -> Bool {
    switch column.storage {
    case .string(let s): (0..<s.count).contains { !s.range($0).isEmpty }
    case .long(let v, let n): v.indices.contains { !n.isNull($0) && v[$0] != 0 }
    case .int(let v, let n): v.indices.contains { !n.isNull($0) && v[$0] != 0 }
    case .bool(let v, _): v.contains(true)
    case .datetime(let v, let n, _): v.indices.contains { !n.isNull($0) }
    case .dynamic(let v): v.contains { $0 != .null }
    default: true
    }
}

@Suite struct SampleTenantTests {
    @Test func sameSeedGivesIdenticalTables() {
        let again = SampleTenant(small)
        for name in smallTenant.tableNames {
            #expect(smallTenant.table(named: name) == again.table(named: name), "\(name)")
        }
    }

    @Test func differentSeedGivesDifferentData() {
        var other = small
        other.seed = 2
        let tenant = SampleTenant(other)
        for name in ["DeviceProcessEvents", "DeviceNetworkEvents", "DeviceInfo", "EmailEvents", "IdentityLogonEvents"] {
            #expect(smallTenant.table(named: name) != tenant.table(named: name), "\(name)")
        }
    }

    @Test func everyColumnHasTheSchemaTypeAndIsFilled() throws {
        #expect(smallTenant.tableNames.count == 13)
        for schema in HuntingSchema.defender.tables {
            let table = try #require(smallTenant.table(named: schema.name))
            #expect(table.rowCount > 0, "\(schema.name)")
            #expect(table.columns.map(\.name) == schema.columns.map(\.name))
            for (column, expected) in zip(table.columns, schema.columns) {
                #expect(column.type == expected.type, "\(schema.name).\(column.name)")
                if !justifiedEmpty.contains(column.name), !justifiedEmpty.contains("\(schema.name).\(column.name)") {
                    #expect(isFilled(column), "\(schema.name).\(column.name) is all empty")
                }
            }
        }
    }

    @Test func timestampsAreSortedAndInsideTheWindow() throws {
        let end = small.end.ticks
        let start = end - Int64(small.days) * KQLDateTime.ticksPerDay
        for name in smallTenant.tableNames {
            let rows = Rows(try #require(smallTenant.table(named: name)))
            let times = (0..<rows.count).map(rows.t)
            #expect(times == times.sorted(), "\(name)")
            #expect(times.allSatisfy { $0 > start && $0 < end }, "\(name)")
        }
    }

    @Test func entitiesAreConsistent() throws {
        let info = Rows(try #require(smallTenant.table(named: "DeviceInfo")))
        let devices = Set((0..<info.count).map { info.s("DeviceId", $0) })
        #expect(devices.allSatisfy { $0.count == 40 && $0.allSatisfy(\.isHexDigit) })
        for name in ["DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceEvents", "DeviceLogonEvents", "DeviceRegistryEvents"] {
            let rows = Rows(try #require(smallTenant.table(named: name)))
            #expect((0..<rows.count).allSatisfy { devices.contains(rows.s("DeviceId", $0)) }, "\(name)")
        }
        let evidence = Rows(try #require(smallTenant.table(named: "AlertEvidence")))
        #expect((0..<evidence.count).allSatisfy { let d = evidence.s("DeviceId", $0); return d.isEmpty || devices.contains(d) })
        let processes = Rows(try #require(smallTenant.table(named: "DeviceProcessEvents")))
        var hashByName: [String: String] = [:]
        for i in 0..<processes.count {
            let sha256 = processes.s("SHA256", i)
            #expect(sha256.count == 64 && processes.s("SHA1", i).count == 40 && processes.s("MD5", i).count == 32)
            #expect(hashByName.updateValue(sha256, forKey: processes.s("FileName", i)).map { $0 == sha256 } ?? true)
        }
        // The phishing victim's object id links mail and process events.
        let mail = Rows(try #require(smallTenant.table(named: "EmailEvents")))
        let phish = try #require((0..<mail.count).first { mail.s("ThreatTypes", $0) == "Phish" && mail.s("DeliveryAction", $0) == "Delivered" })
        let oid = mail.s("RecipientObjectId", phish)
        #expect((0..<processes.count).contains { processes.s("InitiatingProcessAccountObjectId", $0) == oid && processes.s("FileName", $0) == "powershell.exe" })
    }

    @Test func rowCountsScaleWithDevicesAndDays() throws {
        func count(_ devices: Int, _ days: Int) -> Int {
            let t = SampleTenant(SampleTenantConfiguration(devices: devices, users: 6, days: days, attackStories: false))
            return t.table(named: "DeviceProcessEvents")!.rowCount + t.table(named: "DeviceInfo")!.rowCount
        }
        let base = count(6, 1)
        #expect(count(12, 1) == 2 * base)
        #expect(count(6, 3) == 3 * base)
    }

    @Test func unknownTableIsNil() {
        #expect(smallTenant.table(named: "NoSuchTable") == nil)
    }
}
