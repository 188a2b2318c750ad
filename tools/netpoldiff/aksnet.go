package netpoldiff

import "errors"

// errAksnetPending reports that aksnet's connectivity analysis is not
// available to compare yet.
var errAksnetPending = errors.New("aksnet's netpol connectivity analysis is not available yet")

// Aksnet loads the manifests under dir with aksnet's manifest importer and
// returns the connections aksnet's netpol analysis allows, with the
// importer's and the analysis' warnings for the record.
func Aksnet(dir string) (*Connectivity, []string, error) {
	return nil, nil, errAksnetPending
}
