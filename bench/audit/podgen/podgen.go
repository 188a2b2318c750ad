// Package podgen writes a large AKS cluster as kubectl prints it: a
// `kubectl get pods -A -o json` list of many pods, and the nodes, Services
// and design that go with them. The audit benchmark and the streaming
// tests use it; nothing it writes is committed.
//
// The cluster is aks-bench: Azure CNI Overlay, pod CIDR 100.64.0.0/10,
// Service CIDR 10.2.0.0/16, DNS service IP 10.2.0.10, nodes in
// 10.1.0.0/16. Node i gets the /24 100.64.0.0 + i*256; its pods take
// addresses from it. Pods whose index is in Outside get an address in
// 10.99.0.0/16 instead, outside the pod CIDR.
package podgen

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
)

// Options shape the generated cluster.
type Options struct {
	Pods int
	// PodsPerNode is the number of pods on each node (default 110).
	PodsPerNode int
	// Outside lists the indexes of pods given an address outside the pod CIDR.
	Outside []int
	// Compact writes each pod with only the fields aksnet reads, on one
	// line (about 350 bytes instead of about 5,400), for tests that need
	// many pods but not kubectl's full bulk.
	Compact bool
}

func (o Options) perNode() int {
	if o.PodsPerNode <= 0 {
		return 110
	}
	return o.PodsPerNode
}

// Nodes returns the number of nodes the pods need.
func (o Options) Nodes() int { return (o.Pods + o.perNode() - 1) / o.perNode() }

// PodName returns the namespace and name of pod i.
func PodName(i int) (namespace, name string) {
	return fmt.Sprintf("team-%03d", i%250), fmt.Sprintf("api-%06d-7d9f8c6b5-q4x2z", i)
}

func nodeName(n int) string { return fmt.Sprintf("aks-user%d-31415926-vmss%06x", n/1000, n) }

func podIP(o Options, i int, outside map[int]bool) string {
	if outside[i] {
		return netip.AddrFrom4([4]byte{10, 99, byte(i >> 8), byte(i)}).String()
	}
	n, k := i/o.perNode(), i%o.perNode()
	base := 100<<24 | 64<<16 + uint32(n)*256
	v := base + uint32(k) + 4
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

// WritePods writes the pod list to w, in the key order and indentation
// kubectl uses (keys sorted, four spaces). It returns the bytes written.
func WritePods(w io.Writer, o Options) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := &countWriter{w: bw}
	outside := map[int]bool{}
	for _, i := range o.Outside {
		outside[i] = true
	}
	fmt.Fprint(cw, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n")
	for i := range o.Pods {
		ns, name := PodName(i)
		node := nodeName(i / o.perNode())
		ip := podIP(o, i, outside)
		hostIP := netip.AddrFrom4([4]byte{10, 1, byte((i / o.perNode()) >> 8), byte(i / o.perNode())}).String()
		sep := ","
		if i == o.Pods-1 {
			sep = ""
		}
		if o.Compact {
			fmt.Fprintf(cw, compactTemplate, name, ns, node, ip, ip, sep)
			continue
		}
		fmt.Fprintf(cw, podTemplate, name, ns, i, i, i%7, node, ip, ip, hostIP, hostIP, sep)
	}
	fmt.Fprint(cw, "    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n")
	if cw.err != nil {
		return cw.n, cw.err
	}
	return cw.n, bw.Flush()
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

const compactTemplate = `        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": %q, "namespace": %q}, "spec": {"containers": [{"image": "contoso.azurecr.io/shop/api:2.4.1", "name": "api"}], "nodeName": %q}, "status": {"phase": "Running", "podIP": %q, "podIPs": [{"ip": %q}]}}%s
`

// podTemplate is one pod as kubectl prints it (managedFields left out, as
// kubectl does by default). Arguments: name, namespace, resourceVersion,
// uid number, zone number, node, pod IP twice, host IP twice, separator.
const podTemplate = `        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "creationTimestamp": "2026-10-02T08:16:03Z",
                "generateName": "api-7d9f8c6b5-",
                "labels": {
                    "app.kubernetes.io/name": "api",
                    "pod-template-hash": "7d9f8c6b5"
                },
                "name": %q,
                "namespace": %q,
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "ReplicaSet",
                        "name": "api-7d9f8c6b5",
                        "uid": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
                    }
                ],
                "resourceVersion": "%d",
                "uid": "5e6f7a8b-9c0d-4e1f-a2b3-%012d"
            },
            "spec": {
                "containers": [
                    {
                        "env": [
                            {
                                "name": "ZONE",
                                "value": "westeurope-%d"
                            }
                        ],
                        "image": "contoso.azurecr.io/shop/api:2.4.1",
                        "imagePullPolicy": "IfNotPresent",
                        "name": "api",
                        "ports": [
                            {
                                "containerPort": 8080,
                                "name": "http",
                                "protocol": "TCP"
                            }
                        ],
                        "resources": {
                            "limits": {
                                "memory": "256Mi"
                            },
                            "requests": {
                                "cpu": "100m",
                                "memory": "128Mi"
                            }
                        },
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [
                            {
                                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                "name": "kube-api-access-x7k2p",
                                "readOnly": true
                            }
                        ]
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "nodeName": %[6]q,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "serviceAccount": "default",
                "serviceAccountName": "default",
                "terminationGracePeriodSeconds": 30,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "tolerationSeconds": 300
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-10-02T08:16:05Z",
                        "status": "True",
                        "type": "Ready"
                    },
                    {
                        "lastProbeTime": null,
                        "lastTransitionTime": "2026-10-02T08:16:03Z",
                        "status": "True",
                        "type": "PodScheduled"
                    }
                ],
                "containerStatuses": [
                    {
                        "containerID": "containerd://4c7d0e2f9a8b",
                        "image": "contoso.azurecr.io/shop/api:2.4.1",
                        "imageID": "contoso.azurecr.io/shop/api@sha256:9f86d081884c7d659a2feaa0c55ad015",
                        "lastState": {},
                        "name": "api",
                        "ready": true,
                        "restartCount": 0,
                        "started": true,
                        "state": {
                            "running": {
                                "startedAt": "2026-10-02T08:16:04Z"
                            }
                        }
                    }
                ],
                "hostIP": %[9]q,
                "hostIPs": [
                    {
                        "ip": %[10]q
                    }
                ],
                "phase": "Running",
                "podIP": %[7]q,
                "podIPs": [
                    {
                        "ip": %[8]q
                    }
                ],
                "qosClass": "Burstable",
                "startTime": "2026-10-02T08:16:03Z"
            }
        }%[11]s
`

// WriteBundle writes a bundle folder for aksnet audit: design.yaml,
// nodes.json, services.json and pods.json. It returns the size of
// pods.json.
func WriteBundle(dir string, o Options) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "design.yaml"), []byte(designYAML), 0o644); err != nil {
		return 0, err
	}
	if err := writeFile(filepath.Join(dir, "nodes.json"), func(w io.Writer) error { return writeNodes(w, o) }); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "services.json"), []byte(servicesJSON), 0o644); err != nil {
		return 0, err
	}
	var size int64
	err := writeFile(filepath.Join(dir, "pods.json"), func(w io.Writer) error {
		n, err := WritePods(w, o)
		size = n
		return err
	})
	return size, err
}

func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeNodes(w io.Writer, o Options) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n")
	for n := range o.Nodes() {
		sep := ","
		if n == o.Nodes()-1 {
			sep = ""
		}
		cidr := netip.PrefixFrom(netip.AddrFrom4([4]byte{100, byte(64 + n>>8), byte(n), 0}), 24).String()
		ip := netip.AddrFrom4([4]byte{10, 1, byte(n >> 8), byte(n)}).String()
		fmt.Fprintf(bw, `        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "labels": {
                    "kubernetes.azure.com/agentpool": "user",
                    "kubernetes.azure.com/cluster": "MC_rg-bench_aks-bench_westeurope",
                    "kubernetes.io/os": "linux"
                },
                "name": %q
            },
            "spec": {
                "podCIDR": %q,
                "podCIDRs": [
                    %[2]q
                ],
                "providerID": "azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_rg-bench_aks-bench_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-user-31415926-vmss/virtualMachines/%d"
            },
            "status": {
                "addresses": [
                    {
                        "address": %q,
                        "type": "InternalIP"
                    },
                    {
                        "address": %[1]q,
                        "type": "Hostname"
                    }
                ]
            }
        }%[5]s
`, nodeName(n), cidr, n, ip, sep)
	}
	fmt.Fprint(bw, "    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n")
	return bw.Flush()
}

const servicesJSON = `{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kube-dns",
                "namespace": "kube-system"
            },
            "spec": {
                "clusterIP": "10.2.0.10",
                "clusterIPs": [
                    "10.2.0.10"
                ],
                "type": "ClusterIP"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
`

const designYAML = `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: bench
spec:
  vnets:
    - name: spoke
      region: westeurope
      addressSpace: [10.1.0.0/16]
      subnets:
        - name: nodes
          purpose: nodes
          addressPrefixes: [10.1.0.0/16]
  clusters:
    - name: aks-bench
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke
      network:
        plugin: azure
        pluginMode: overlay
        podCidrs: [100.64.0.0/10]
        serviceCidrs: [10.2.0.0/16]
        dnsServiceIP: 10.2.0.10
      nodePools:
        - name: user
          mode: User
          subnet: nodes
          minCount: 1
          maxCount: 2000
          maxPods: 110
`

// Spread returns k pod indexes spread evenly over n pods.
func Spread(n, k int) []int {
	out := make([]int, k)
	for j := range out {
		out[j] = (2*j + 1) * n / (2 * k)
	}
	return out
}
