package postgres

// migration is one schema version: base runs for every guard, exclusion
// only under GuardExclusion.
type migration struct {
	base, exclusion string
}

// migrations are the schema versions in order: migrations[i] brings a
// database from version i to version i+1. Never edit a released entry;
// append a new one.
//
// The base schema is plain SQL that Postgres-compatible distributed
// databases accept: tables, identity columns, partial indexes, composite
// foreign keys and CHECK constraints, with addresses stored as text
// (cidr) and as 17-byte sort keys (first, last; see package codec). Every
// allocation and reservation carries its pool's bounds, and a CHECK
// keeps it inside them, so the database itself refuses a range outside
// its pool.
//
// GuardExclusion adds what only PostgreSQL has: a cidr column generated
// from the text, GiST exclusion constraints (core inet_ops, no extension)
// that refuse overlapping pools and overlapping live allocations and
// reservations, and triggers that make the audit log append-only and
// allow an allocation or reservation only to be released. Pools never
// overlap, so one exclusion constraint over all live allocations
// (cidr && cidr) is as strong as one per pool (pool =, cidr &&) and needs
// no btree_gist.
//
// generation, gen and epoch serve the placement cache as in the SQLite
// schema.
var migrations = []migration{
	// 1: the registry.
	{
		base: `
CREATE TABLE pools (
	id          BIGINT      GENERATED ALWAYS AS IDENTITY UNIQUE,
	name        TEXT        NOT NULL PRIMARY KEY,
	cidr        TEXT        NOT NULL,
	first       BYTEA       NOT NULL,
	last        BYTEA       NOT NULL,
	purpose     TEXT        NOT NULL,
	tags        TEXT        NOT NULL,
	description TEXT        NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL,
	generation  BIGINT      NOT NULL DEFAULT 0,
	epoch       BIGINT      NOT NULL DEFAULT 0,
	UNIQUE (name, first, last),
	CHECK (first <= last)
);
CREATE INDEX pools_first ON pools (first);

CREATE TABLE allocations (
	id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	pool        TEXT        NOT NULL,
	pool_first  BYTEA       NOT NULL,
	pool_last   BYTEA       NOT NULL,
	cidr        TEXT        NOT NULL,
	first       BYTEA       NOT NULL,
	last        BYTEA       NOT NULL,
	owner       TEXT        NOT NULL,
	cluster     TEXT        NOT NULL,
	purpose     TEXT        NOT NULL,
	tags        TEXT        NOT NULL,
	idem_key    TEXT,
	request     TEXT        NOT NULL,
	reservation BIGINT      NOT NULL,
	state       TEXT        NOT NULL CHECK (state IN ('live', 'released')),
	created_at  TIMESTAMPTZ NOT NULL,
	released_at TIMESTAMPTZ,
	gen         BIGINT      NOT NULL,
	FOREIGN KEY (pool, pool_first, pool_last) REFERENCES pools (name, first, last) ON DELETE CASCADE,
	CONSTRAINT allocations_inside_pool CHECK (first >= pool_first AND last <= pool_last AND first <= last),
	CHECK ((state = 'live') = (released_at IS NULL))
);
CREATE UNIQUE INDEX allocations_key ON allocations (pool, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX allocations_live ON allocations (first) WHERE state = 'live';
CREATE INDEX allocations_pool ON allocations (pool, state);
CREATE INDEX allocations_gen ON allocations (pool, gen);

CREATE TABLE reservations (
	id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	pool        TEXT        NOT NULL,
	pool_first  BYTEA       NOT NULL,
	pool_last   BYTEA       NOT NULL,
	cidr        TEXT        NOT NULL,
	first       BYTEA       NOT NULL,
	last        BYTEA       NOT NULL,
	owner       TEXT        NOT NULL,
	cluster     TEXT        NOT NULL,
	purpose     TEXT        NOT NULL,
	tags        TEXT        NOT NULL,
	note        TEXT        NOT NULL,
	state       TEXT        NOT NULL CHECK (state IN ('live', 'released')),
	created_at  TIMESTAMPTZ NOT NULL,
	released_at TIMESTAMPTZ,
	gen         BIGINT      NOT NULL,
	FOREIGN KEY (pool, pool_first, pool_last) REFERENCES pools (name, first, last) ON DELETE CASCADE,
	CONSTRAINT reservations_inside_pool CHECK (first >= pool_first AND last <= pool_last AND first <= last),
	CHECK ((state = 'live') = (released_at IS NULL))
);
CREATE INDEX reservations_live ON reservations (first) WHERE state = 'live';
CREATE INDEX reservations_pool ON reservations (pool, state);
CREATE INDEX reservations_gen ON reservations (pool, gen);

CREATE TABLE avoid (
	cidr   TEXT  NOT NULL PRIMARY KEY,
	first  BYTEA NOT NULL,
	last   BYTEA NOT NULL,
	name   TEXT  NOT NULL,
	reason TEXT  NOT NULL
);

CREATE TABLE audit (
	id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at         TIMESTAMPTZ NOT NULL,
	actor      TEXT        NOT NULL,
	remote     TEXT        NOT NULL,
	request_id TEXT        NOT NULL,
	action     TEXT        NOT NULL,
	pool       TEXT        NOT NULL,
	subject    TEXT        NOT NULL,
	detail     TEXT        NOT NULL
);
CREATE INDEX audit_subject ON audit (subject);
CREATE INDEX audit_pool ON audit (pool);

CREATE TABLE tokens (
	id         BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       TEXT        NOT NULL UNIQUE,
	hash       BYTEA       NOT NULL UNIQUE,
	scopes     TEXT        NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	revoked_at TIMESTAMPTZ
);
`,
		exclusion: `
ALTER TABLE pools ADD COLUMN net CIDR GENERATED ALWAYS AS (cidr::cidr) STORED;
ALTER TABLE pools ADD CONSTRAINT pools_no_overlap EXCLUDE USING gist (net inet_ops WITH &&);
ALTER TABLE allocations ADD COLUMN net CIDR GENERATED ALWAYS AS (cidr::cidr) STORED;
ALTER TABLE allocations ADD CONSTRAINT allocations_no_overlap
	EXCLUDE USING gist (net inet_ops WITH &&) WHERE (state = 'live');
ALTER TABLE reservations ADD COLUMN net CIDR GENERATED ALWAYS AS (cidr::cidr) STORED;
ALTER TABLE reservations ADD CONSTRAINT reservations_no_overlap
	EXCLUDE USING gist (net inet_ops WITH &&) WHERE (state = 'live');

CREATE FUNCTION aksnet_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'aksnet_%: %', TG_ARGV[0], TG_ARGV[1];
END
$$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION aksnet_refuse('audit', 'the audit log is append-only');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION aksnet_refuse('audit', 'the audit log is append-only');
CREATE TRIGGER allocations_release_only BEFORE UPDATE ON allocations FOR EACH ROW
	WHEN (NOT (OLD.state = 'live' AND NEW.state = 'released' AND NEW.id = OLD.id AND NEW.pool = OLD.pool
		AND NEW.first = OLD.first AND NEW.last = OLD.last))
	EXECUTE FUNCTION aksnet_refuse('fixed', 'an allocation can only be released');
CREATE TRIGGER reservations_release_only BEFORE UPDATE ON reservations FOR EACH ROW
	WHEN (NOT (OLD.state = 'live' AND NEW.state = 'released' AND NEW.id = OLD.id AND NEW.pool = OLD.pool
		AND NEW.first = OLD.first AND NEW.last = OLD.last))
	EXECUTE FUNCTION aksnet_refuse('fixed', 'a reservation can only be released');
`,
	},
}
