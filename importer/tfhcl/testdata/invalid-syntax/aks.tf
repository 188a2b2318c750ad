resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks-syntax"
  kubernetes_version "1.33"
}
