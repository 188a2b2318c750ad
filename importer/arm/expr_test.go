package arm

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// exprTemplate is a template whose "x" holds the expression under test.
const exprTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {
    "name": {"type": "string", "defaultValue": "aks"},
    "n": {"type": "int", "defaultValue": 2},
    "flag": {"type": "bool", "defaultValue": true},
    "list": {"type": "array", "defaultValue": ["a", "b"]},
    "obj": {"type": "object", "defaultValue": {"prefix": "10.0.0.0/16", "subnets": [{"name": "s1"}]}},
    "fromFile": {"type": "string", "defaultValue": "default"},
    "noDefault": {"type": "string"}
  },
  "variables": {
    "v": "[concat(parameters('name'), '-x')]",
    "loopA": "[variables('loopB')]",
    "loopB": "[variables('loopA')]",
    "rg": "[resourceGroup().name]"
  },
  "resources": [],
  "x": %s
}`

const exprParams = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": {"fromFile": {"value": "[not an expression in a parameters file]"}}
}`

// evalExpr evaluates the JSON value x in the expression template.
func evalExpr(t *testing.T, x string) (value, error) {
	t.Helper()
	doc, err := Parse("t.json", []byte(strings.Replace(exprTemplate, "%s", x, 1)))
	if err != nil {
		t.Fatalf("template with %s: %v", x, err)
	}
	pdoc, err := Parse("p.json", []byte(exprParams))
	if err != nil {
		t.Fatal(err)
	}
	sc := &scope{tmpl: doc, params: []paramSet{{pdoc, "parameters"}}}
	return sc.resolve(value{node: doc.Node("x"), doc: doc, path: "x", tmpl: true}, 0)
}

func TestExpressions(t *testing.T) {
	const sub, rg = "/subscriptions/(subscription)/resourceGroups/(resourceGroup)/providers/", "/resourceGroups/(resourceGroup)/providers/"
	for _, tc := range []struct {
		expr, want string
	}{
		{`"plain"`, "plain"},
		{`"[[not an expression]"`, "[not an expression]"},
		{`"[['it''s']"`, "['it''s']"},
		{`"['it''s']"`, "it's"},
		{`"[concat('a', 'b', parameters('name'))]"`, "abaks"},
		{`"[concat('n', parameters('n'))]"`, "n2"},
		{`"[format('{0}-{1}-{{x}}', parameters('name'), 3)]"`, "aks-3-{x}"},
		{`"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')]"`, sub + "Microsoft.Network/virtualNetworks/v/subnets/s"},
		{`"[resourceId('rg-net', 'Microsoft.Network/virtualNetworks', 'v')]"`, "/subscriptions/(subscription)/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v"},
		{`"[resourceId('s1', 'rg-net', 'Microsoft.Network/virtualNetworks', 'v')]"`, "/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v"},
		{`"[resourceId(subscription().subscriptionId, resourceGroup().name, 'Microsoft.Network/virtualNetworks', 'v')]"`, sub + "Microsoft.Network/virtualNetworks/v"},
		{`"[subscriptionResourceId('Microsoft.Network/virtualNetworks', 'v')]"`, "/subscriptions/(subscription)/providers/Microsoft.Network/virtualNetworks/v"},
		{`"[variables('v')]"`, "aks-x"},
		{`"[parameters('fromFile')]"`, "[not an expression in a parameters file]"},
		{`"[parameters('obj').prefix]"`, "10.0.0.0/16"},
		{`"[parameters('obj').subnets[0].name]"`, "s1"},
		{`"[parameters('obj')['prefix']]"`, "10.0.0.0/16"},
		{`"[parameters('list')[1]]"`, "b"},
		{`"[parameters('list')[parameters('n')]]"`, "index"},
		{`"[split('a/b/c', '/')[2]]"`, "c"},
		{`"[split(format('{0}/snet', variables('v')), '/')[0]]"`, "aks-x"},
		{`"[toLower('ABC')]"`, "abc"},
		{`"[toUpper('abc')]"`, "ABC"},
		{`"[if(parameters('flag'), 'yes', reference('x').y)]"`, "yes"},
		{`"[if(not(parameters('flag')), 'yes', 'no')]"`, "no"},
		{`"[and(true, equals(parameters('n'), 2))]"`, "true"},
		{`"[or(false, equals(parameters('name'), 'AKS'))]"`, "false"},
		{`"[equals(parameters('list'), createArray('a', 'b'))]"`, "true"},
		{`"[cidrSubnet('10.1.0.0/16', 24, 3)]"`, "10.1.3.0/24"},
		{`"[cidrSubnet(parameters('obj').prefix, 20, 15)]"`, "10.0.240.0/20"},
		{`"[cidrSubnet('fd00:1::/48', 64, 258)]"`, "fd00:1:0:102::/64"},
		{`"[createArray('a', 'b')[1]]"`, "b"},
		{`"[concat(parameters('list'), createArray('c'))[2]]"`, "c"},
		{`"[ concat ( 'a' , 'b' ) ]"`, "ab"},
		{`3`, "3"},
	} {
		v, err := evalExpr(t, tc.expr)
		if tc.want == "index" {
			// An index out of range is a mistake, not a guess.
			if e, ok := err.(*evalError); !ok || e.unknown || !strings.Contains(e.msg, "outside the list") {
				t.Errorf("%s: got %v, want an index error", tc.expr, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if v.node.Kind != yaml.ScalarNode || v.node.Value != tc.want {
			t.Errorf("%s: got %q, want %q", tc.expr, v.node.Value, tc.want)
		}
	}
}

func TestExpressionsUnknown(t *testing.T) {
	for _, tc := range []struct{ expr, msg string }{
		{`"[resourceGroup().location]"`, "resourceGroup() is known only at deployment"},
		{`"[uniqueString(resourceGroup().id)]"`, "is known only at deployment"},
		{`"[reference('vnet').addressSpace]"`, "reference() is known only at deployment"},
		{`"[variables('rg')]"`, "resourceGroup() is known only at deployment"},
		{`"[parameters('noDefault')]"`, `parameter "noDefault" has no defaultValue`},
		{`"[format('{0:N2}', 1)]"`, "specifier {0:N2}"},
		{`"[int('3')]"`, "aksnet does not evaluate int()"},
		{`"[contoso.prefix()]"`, "aksnet does not evaluate contoso.prefix()"},
		{`"[concat('a', utcNow())]"`, "utcNow() is known only at deployment"},
		{`"[resourceId('Microsoft.Network/virtualNetworks', reference('x').name)]"`, "reference() is known only at deployment"},
	} {
		_, err := evalExpr(t, tc.expr)
		e, ok := err.(*evalError)
		if !ok || !e.unknown || !strings.Contains(e.msg, tc.msg) {
			t.Errorf("%s: got %v, want unknown: ...%s...", tc.expr, err, tc.msg)
		}
	}
}

func TestExpressionsBad(t *testing.T) {
	for _, tc := range []struct{ expr, msg string }{
		{`"[parameters('nope')]"`, `parameter "nope" is not declared`},
		{`"[variables('vv')]"`, `variable "vv" is not declared`},
		{`"[concat('a'"`, ""},
		{`"[concat('a')x]"`, "cannot parse"},
		{`"[concat('a', 'b']"`, "cannot parse"},
		{`"['unterminated]"`, "cannot parse"},
		{`"[resourceId('v')]"`, "needs a resource type"},
		{`"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'v')]"`, "needs 2 names, got 1"},
		{`"[resourceId('a', 'b', 'c', 'Microsoft.Network/virtualNetworks', 'v')]"`, "at most a subscription and a resource group"},
		{`"[variables('loopA')]"`, "loop"},
		{`"[parameters('list')[5]]"`, "outside the list"},
		{`"[parameters('obj').nope]"`, `property "nope" is not in the value`},
		{`"[cidrSubnet('10.0.0.0/24', 16, 0)]"`, "does not fit"},
		{`"[cidrSubnet('10.0.0.0/24', 26, 4)]"`, "index 4 is outside"},
		{`"[cidrSubnet('10.0.0.0/33', 24, 0)]"`, "not a CIDR"},
		{`"[format('{1}', 'a')]"`, "not given"},
		{`"[not('x')]"`, "not true or false"},
		{`"[if('x', 1, 2)]"`, "not true or false"},
		{`"[concat(createArray('a'), 'b')]"`, "mixes lists and strings"},
		{`"[toLower()]"`, "takes 1 arguments"},
		{`"[bogus]"`, "not a function call"},
	} {
		_, err := evalExpr(t, tc.expr)
		e, ok := err.(*evalError)
		if tc.msg == "" {
			// Not an expression: a string that starts with [ but does not
			// end with ] is a literal.
			if err != nil {
				t.Errorf("%s: got %v, want a literal", tc.expr, err)
			}
			continue
		}
		if !ok || e.unknown || !strings.Contains(e.msg, tc.msg) {
			t.Errorf("%s: got %v, want a mistake: ...%s...", tc.expr, err, tc.msg)
		}
	}
}

// TestParseExprDepth checks that deeply nested input is refused, not a
// stack overflow.
func TestParseExprDepth(t *testing.T) {
	s := strings.Repeat("concat(", 10000) + "'a'" + strings.Repeat(")", 10000)
	if _, err := parseExpr(s); err == nil || !strings.Contains(err.Error(), "nests too deeply") {
		t.Errorf("got %v, want a nesting error", err)
	}
}

// cidrSubnetModel computes cidrSubnet by setting the index bits of the
// network address one by one: bit k of index (from the right) becomes
// address bit bits-1-k.
func cidrSubnetModel(network netip.Prefix, bits, index int) netip.Prefix {
	b := network.Masked().Addr().AsSlice()
	for k := 0; k < bits-network.Bits(); k++ {
		if index>>k&1 == 1 {
			pos := bits - 1 - k
			b[pos/8] |= 0x80 >> (pos % 8)
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return netip.PrefixFrom(a, bits)
}

func TestCIDRSubnetModel(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	for range 20000 {
		var a netip.Addr
		if r.IntN(2) == 0 {
			a = netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
		} else {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			a = netip.AddrFrom16(b)
		}
		base := r.IntN(a.BitLen() + 1)
		bits := base + r.IntN(min(a.BitLen()-base, 20)+1)
		n := 1 << (bits - base)
		index := r.IntN(n + 2) // sometimes one or two past the end
		network := netip.PrefixFrom(a, base)
		got, err := cidrSubnet(network.String(), bits, index)
		if index >= n {
			if err == nil {
				t.Fatalf("cidrSubnet(%s, %d, %d) = %s, want an error (only %d subnets)", network, bits, index, got, n)
			}
			continue
		}
		if want := cidrSubnetModel(network, bits, index); err != nil || got != want {
			t.Fatalf("cidrSubnet(%s, %d, %d) = %s, %v; want %s", network, bits, index, got, err, want)
		}
	}
}

func TestSplitAny(t *testing.T) {
	for _, tc := range []struct {
		s    string
		seps []string
		want string
	}{
		{"a/b/c", []string{"/"}, "a|b|c"},
		{"a/b,c", []string{"/", ","}, "a|b|c"},
		{"/a/", []string{"/"}, "|a|"},
		{"abc", []string{""}, "abc"},
		{"a--b", []string{"--"}, "a|b"},
	} {
		if got := strings.Join(splitAny(tc.s, tc.seps), "|"); got != tc.want {
			t.Errorf("splitAny(%q, %q) = %q, want %q", tc.s, tc.seps, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"podCidr", "serviceCidr", "location", "vnetName"}
	for s, want := range map[string]string{"podCidrr": "podCidr", "PODCIDR": "podCidr", "locaton": "location", "zone": "", "x": ""} {
		if got := closest(s, names); got != want {
			t.Errorf("closest(%q) = %q, want %q", s, got, want)
		}
	}
}
