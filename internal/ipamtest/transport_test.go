package ipamtest

import (
	"net/http"
	"time"
)

// sharedTransport keeps one connection pool for all the clients of a
// test, with room for every goroutine's keep-alive connection.
type sharedTransport struct{ t *http.Transport }

var httpTransport = sharedTransport{t: &http.Transport{
	MaxIdleConns:        512,
	MaxIdleConnsPerHost: 512,
	IdleConnTimeout:     30 * time.Second,
}}

func (s *sharedTransport) client() *http.Client {
	return &http.Client{Transport: s.t, Timeout: 60 * time.Second}
}
