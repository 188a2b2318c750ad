package sqlite

// migrations are the schema versions in order: migrations[i] brings a
// database from version i to version i+1. Never edit a released entry;
// append a new one.
//
// Addresses are stored twice: as text (cidr) for people and as 17-byte
// keys (first, last; see package codec) so that range tests are index
// scans. SQLite has no exclusion constraints, so triggers refuse what
// PostgreSQL refuses with them: overlapping pools, overlapping live
// allocations, overlapping live reservations, ranges outside their pool,
// reviving a released row and changing the audit log. Live allocations
// never overlap and neither do pools, so "the live row with the largest
// first address not above NEW.last" is the only one that can overlap a
// new row, which keeps each trigger to one index lookup.
//
// pools.generation counts writes to a pool's allocations and
// reservations, and each of their rows records (gen) the generation of
// its last write; pools.epoch counts changes to the pool row and to the
// ranges to avoid around it. Together they tell a cached placement state
// whether it is current and which rows it is missing (package
// spacecache).
var migrations = []string{
	// 1: the registry.
	`
CREATE TABLE pools (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	name        TEXT    NOT NULL UNIQUE,
	cidr        TEXT    NOT NULL,
	first       BLOB    NOT NULL,
	last        BLOB    NOT NULL,
	purpose     TEXT    NOT NULL,
	tags        TEXT    NOT NULL,
	description TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	generation  INTEGER NOT NULL DEFAULT 0,
	epoch       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pools_first ON pools(first);
CREATE TRIGGER pools_no_overlap BEFORE INSERT ON pools
WHEN (SELECT last FROM pools WHERE first <= NEW.last ORDER BY first DESC LIMIT 1) >= NEW.first
BEGIN SELECT RAISE(ABORT, 'aksnet_overlap: pools may not overlap'); END;
CREATE TRIGGER pools_fixed BEFORE UPDATE OF id, name, cidr, first, last, created_at ON pools
BEGIN SELECT RAISE(ABORT, 'aksnet_fixed: a pool''s name and CIDR never change'); END;

CREATE TABLE allocations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	pool        TEXT    NOT NULL REFERENCES pools(name) ON DELETE CASCADE,
	cidr        TEXT    NOT NULL,
	first       BLOB    NOT NULL,
	last        BLOB    NOT NULL,
	owner       TEXT    NOT NULL,
	cluster     TEXT    NOT NULL,
	purpose     TEXT    NOT NULL,
	tags        TEXT    NOT NULL,
	idem_key    TEXT,
	request     TEXT    NOT NULL,
	reservation INTEGER NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('live', 'released')),
	created_at  INTEGER NOT NULL,
	released_at INTEGER,
	gen         INTEGER NOT NULL
);
CREATE UNIQUE INDEX allocations_key ON allocations(pool, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX allocations_live ON allocations(first) WHERE state = 'live';
CREATE INDEX allocations_pool ON allocations(pool, state);
CREATE INDEX allocations_gen ON allocations(pool, gen);
CREATE TRIGGER allocations_in_pool BEFORE INSERT ON allocations
WHEN NOT EXISTS (SELECT 1 FROM pools WHERE name = NEW.pool AND first <= NEW.first AND last >= NEW.last)
BEGIN SELECT RAISE(ABORT, 'aksnet_outside: an allocation must lie inside its pool'); END;
CREATE TRIGGER allocations_no_overlap BEFORE INSERT ON allocations
WHEN NEW.state = 'live' AND
	(SELECT last FROM allocations WHERE state = 'live' AND first <= NEW.last ORDER BY first DESC LIMIT 1) >= NEW.first
BEGIN SELECT RAISE(ABORT, 'aksnet_overlap: live allocations may not overlap'); END;
CREATE TRIGGER allocations_release_only BEFORE UPDATE ON allocations
WHEN NOT (OLD.state = 'live' AND NEW.state = 'released' AND NEW.released_at IS NOT NULL
	AND NEW.id = OLD.id AND NEW.pool = OLD.pool AND NEW.first = OLD.first AND NEW.last = OLD.last)
BEGIN SELECT RAISE(ABORT, 'aksnet_fixed: an allocation can only be released'); END;

CREATE TABLE reservations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	pool        TEXT    NOT NULL REFERENCES pools(name) ON DELETE CASCADE,
	cidr        TEXT    NOT NULL,
	first       BLOB    NOT NULL,
	last        BLOB    NOT NULL,
	owner       TEXT    NOT NULL,
	cluster     TEXT    NOT NULL,
	purpose     TEXT    NOT NULL,
	tags        TEXT    NOT NULL,
	note        TEXT    NOT NULL,
	state       TEXT    NOT NULL CHECK (state IN ('live', 'released')),
	created_at  INTEGER NOT NULL,
	released_at INTEGER,
	gen         INTEGER NOT NULL
);
CREATE INDEX reservations_live ON reservations(first) WHERE state = 'live';
CREATE INDEX reservations_pool ON reservations(pool, state);
CREATE INDEX reservations_gen ON reservations(pool, gen);
CREATE TRIGGER reservations_in_pool BEFORE INSERT ON reservations
WHEN NOT EXISTS (SELECT 1 FROM pools WHERE name = NEW.pool AND first <= NEW.first AND last >= NEW.last)
BEGIN SELECT RAISE(ABORT, 'aksnet_outside: a reservation must lie inside its pool'); END;
CREATE TRIGGER reservations_no_overlap BEFORE INSERT ON reservations
WHEN NEW.state = 'live' AND
	(SELECT last FROM reservations WHERE state = 'live' AND first <= NEW.last ORDER BY first DESC LIMIT 1) >= NEW.first
BEGIN SELECT RAISE(ABORT, 'aksnet_overlap: live reservations may not overlap'); END;
CREATE TRIGGER reservations_release_only BEFORE UPDATE ON reservations
WHEN NOT (OLD.state = 'live' AND NEW.state = 'released' AND NEW.released_at IS NOT NULL
	AND NEW.id = OLD.id AND NEW.pool = OLD.pool AND NEW.first = OLD.first AND NEW.last = OLD.last)
BEGIN SELECT RAISE(ABORT, 'aksnet_fixed: a reservation can only be released'); END;

CREATE TABLE avoid (
	cidr   TEXT NOT NULL PRIMARY KEY,
	first  BLOB NOT NULL,
	last   BLOB NOT NULL,
	name   TEXT NOT NULL,
	reason TEXT NOT NULL
);

CREATE TABLE audit (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         INTEGER NOT NULL,
	actor      TEXT    NOT NULL,
	remote     TEXT    NOT NULL,
	request_id TEXT    NOT NULL,
	action     TEXT    NOT NULL,
	pool       TEXT    NOT NULL,
	subject    TEXT    NOT NULL,
	detail     TEXT    NOT NULL
);
CREATE INDEX audit_subject ON audit(subject);
CREATE INDEX audit_pool ON audit(pool);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'aksnet_audit: the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'aksnet_audit: the audit log is append-only'); END;

CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT    NOT NULL UNIQUE,
	hash       BLOB    NOT NULL UNIQUE,
	scopes     TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);
`,
}
