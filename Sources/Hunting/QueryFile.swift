import KQL
