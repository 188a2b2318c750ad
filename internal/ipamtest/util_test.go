package ipamtest

import (
	"crypto/rand"
	"encoding/json"
)

// remarshal copies a decoded JSON value into out.
func remarshal(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// randReader is crypto/rand as a value.
type randReader struct{}

func (randReader) Read(p []byte) (int, error) { return rand.Read(p) }
