package lint

// Documentation the rules rest on.
const (
	srcK8sNetpol    = "https://kubernetes.io/docs/concepts/services-networking/network-policies/"
	srcK8sDNS       = "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/"
	srcAKSPolicies  = "https://learn.microsoft.com/azure/aks/use-network-policies"
	srcAKSCilium    = "https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium"
	srcAKSDNS       = "https://learn.microsoft.com/azure/aks/dns-concepts"
	srcAKSLocalDNS  = "https://learn.microsoft.com/azure/aks/localdns-custom"
	srcAKSOverlay   = "https://learn.microsoft.com/azure/aks/azure-cni-overlay"
	srcAKSKubenet   = "https://learn.microsoft.com/azure/aks/configure-kubenet"
	srcAKSDualStack = "https://learn.microsoft.com/azure/aks/configure-dual-stack"
)
