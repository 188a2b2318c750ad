// Package ipamtest holds the heavy tests of aksnet's address registry,
// which run whole servers: many clients at once over loopback HTTP on
// SQLite and on PostgreSQL, a server killed with SIGKILL in the middle of
// a load and restarted on its database, and the web page driven in a
// headless Chromium.
//
// The tests run at a reduced size by default; -long (or AKSNET_IPAM_LONG=1)
// runs them at full size: 64 clients × 10,000 operations each.
package ipamtest
