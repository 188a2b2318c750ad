package design

import "strings"

// zoneEntry ties a private-link service to the private DNS zones its
// endpoints register in. "{region}" is replaced by the endpoint's region.
type zoneEntry struct {
	Service PrivateLinkService
	Title   string
	Zones   []string
}

// privateLinkZones is the recommended private DNS zone per service for Azure
// commercial cloud (source: the Azure private endpoint DNS page, copy
// updated 2026-05-07).
var privateLinkZones = []zoneEntry{
	{"keyVault", "Key Vault", []string{"privatelink.vaultcore.azure.net"}},
	{"keyVaultManagedHSM", "Key Vault Managed HSM", []string{"privatelink.managedhsm.azure.net"}},
	{"storageBlob", "Storage (blob)", []string{"privatelink.blob.core.windows.net"}},
	{"storageTable", "Storage (table)", []string{"privatelink.table.core.windows.net"}},
	{"storageQueue", "Storage (queue)", []string{"privatelink.queue.core.windows.net"}},
	{"storageFile", "Storage (file)", []string{"privatelink.file.core.windows.net"}},
	{"storageWeb", "Storage (static web)", []string{"privatelink.web.core.windows.net"}},
	{"storageDfs", "Storage (Data Lake dfs)", []string{"privatelink.dfs.core.windows.net"}},
	{"sqlDatabase", "Azure SQL Database", []string{"privatelink.database.windows.net"}},
	{"containerRegistry", "Azure Container Registry", []string{"privatelink.azurecr.io"}},
	{"serviceBus", "Service Bus", []string{"privatelink.servicebus.windows.net"}},
	{"eventHubs", "Event Hubs", []string{"privatelink.servicebus.windows.net"}},
	{"relay", "Azure Relay", []string{"privatelink.servicebus.windows.net"}},
	{"cosmosDbSql", "Cosmos DB (SQL API)", []string{"privatelink.documents.azure.com"}},
	{"azureMonitor", "Azure Monitor Private Link Scope", []string{
		"privatelink.monitor.azure.com", "privatelink.oms.opinsights.azure.com",
		"privatelink.ods.opinsights.azure.com", "privatelink.agentsvc.azure-automation.net",
		"privatelink.blob.core.windows.net"}},
	{"managedPrometheus", "Managed Prometheus", []string{"privatelink.{region}.prometheus.monitor.azure.com"}},
	{"redisCache", "Azure Cache for Redis", []string{"privatelink.redis.cache.windows.net"}},
	{"redisEnterprise", "Azure Cache for Redis Enterprise", []string{"privatelink.redisenterprise.cache.azure.net"}},
	{"managedRedis", "Azure Managed Redis", []string{"privatelink.redis.azure.net"}},
	{"postgresqlFlexible", "PostgreSQL flexible server (private endpoint)", []string{"privatelink.postgres.database.azure.com"}},
	{"aksAPIServer", "AKS API server", []string{"privatelink.{region}.azmk8s.io"}},
}

// ZonesFor returns the private DNS zones an endpoint of service s in region
// registers in, and whether s is known.
func ZonesFor(s PrivateLinkService, region string) ([]string, bool) {
	for _, z := range privateLinkZones {
		if z.Service == s {
			out := make([]string, len(z.Zones))
			for i, name := range z.Zones {
				out[i] = strings.ReplaceAll(name, "{region}", strings.ToLower(region))
			}
			return out, true
		}
	}
	return nil, false
}

// ServiceTitle returns a readable name for s.
func ServiceTitle(s PrivateLinkService) string {
	for _, z := range privateLinkZones {
		if z.Service == s {
			return z.Title
		}
	}
	return string(s)
}
