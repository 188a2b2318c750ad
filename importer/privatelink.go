package importer

import (
	"strings"

	"github.com/aksnet/aksnet/design"
)

// privateLinkServices maps a private link target's provider and resource
// type plus the connection's group ID (sub-resource), all lower case, to the
// design's service. Pairs not listed have no entry in the design's table of
// recommended DNS zones, so the design cannot express their endpoints.
var privateLinkServices = map[[2]string]design.PrivateLinkService{
	{"microsoft.keyvault/vaults", "vault"}:                            "keyVault",
	{"microsoft.keyvault/managedhsms", "managedhsm"}:                  "keyVaultManagedHSM",
	{"microsoft.storage/storageaccounts", "blob"}:                     "storageBlob",
	{"microsoft.storage/storageaccounts", "table"}:                    "storageTable",
	{"microsoft.storage/storageaccounts", "queue"}:                    "storageQueue",
	{"microsoft.storage/storageaccounts", "file"}:                     "storageFile",
	{"microsoft.storage/storageaccounts", "web"}:                      "storageWeb",
	{"microsoft.storage/storageaccounts", "dfs"}:                      "storageDfs",
	{"microsoft.sql/servers", "sqlserver"}:                            "sqlDatabase",
	{"microsoft.containerregistry/registries", "registry"}:            "containerRegistry",
	{"microsoft.servicebus/namespaces", "namespace"}:                  "serviceBus",
	{"microsoft.eventhub/namespaces", "namespace"}:                    "eventHubs",
	{"microsoft.relay/namespaces", "namespace"}:                       "relay",
	{"microsoft.documentdb/databaseaccounts", "sql"}:                  "cosmosDbSql",
	{"microsoft.insights/privatelinkscopes", "azuremonitor"}:          "azureMonitor",
	{"microsoft.monitor/accounts", "prometheusmetrics"}:               "managedPrometheus",
	{"microsoft.cache/redis", "rediscache"}:                           "redisCache",
	{"microsoft.cache/redisenterprise", "redisenterprise"}:            "redisEnterprise",
	{"microsoft.dbforpostgresql/flexibleservers", "postgresqlserver"}: "postgresqlFlexible",
	{"microsoft.containerservice/managedclusters", "management"}:      "aksAPIServer",
}

// PrivateLinkServiceOf maps a private endpoint connection's target and
// group ID to the design's service, or "" when the design does not know
// that pair.
func PrivateLinkServiceOf(target ResourceID, group string) design.PrivateLinkService {
	if len(target.Types) != 1 {
		return ""
	}
	return privateLinkServices[[2]string{strings.ToLower(target.Provider + "/" + target.Types[0]), strings.ToLower(group)}]
}

// PrivateLinkServiceOfGroup maps a group ID alone to the design's service
// when exactly one service uses that group ID ("vault", "blob"), and to ""
// when none or several do ("namespace").
func PrivateLinkServiceOfGroup(group string) design.PrivateLinkService {
	g := strings.ToLower(group)
	var found design.PrivateLinkService
	for k, s := range privateLinkServices {
		if k[1] == g {
			if found != "" {
				return ""
			}
			found = s
		}
	}
	return found
}
