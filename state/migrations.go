package state

// migrations are the numbered schema steps; migrations[n-1] brings a store
// from version n-1 to n. Append only: a step that shipped never changes.
// Keys ("key" columns and *_key columns) are lower-cased so that lookups
// are case-insensitive as in ARM; the original spelling is kept beside
// them. Times are Unix nanoseconds, 0 for "not set".
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE tenants (
	key          TEXT PRIMARY KEY,
	id           TEXT NOT NULL,
	display_name TEXT NOT NULL,
	created      INTEGER NOT NULL
);

CREATE TABLE subscriptions (
	key          TEXT PRIMARY KEY,
	id           TEXT NOT NULL,
	tenant_id    TEXT NOT NULL,
	display_name TEXT NOT NULL,
	state        TEXT NOT NULL,
	created      INTEGER NOT NULL
);

CREATE TABLE resource_groups (
	sub_key         TEXT NOT NULL,
	name_key        TEXT NOT NULL,
	subscription_id TEXT NOT NULL,
	name            TEXT NOT NULL,
	location        TEXT NOT NULL,
	tags            TEXT,
	managed_by      TEXT NOT NULL,
	created         INTEGER NOT NULL,
	PRIMARY KEY (sub_key, name_key)
);

CREATE TABLE resources (
	key             TEXT PRIMARY KEY,
	id              TEXT NOT NULL,
	sub_key         TEXT NOT NULL,
	group_key       TEXT NOT NULL,
	type_key        TEXT NOT NULL,
	parent_key      TEXT NOT NULL,
	subscription_id TEXT NOT NULL,
	resource_group  TEXT NOT NULL,
	type            TEXT NOT NULL,
	name            TEXT NOT NULL,
	location        TEXT NOT NULL,
	parent          TEXT NOT NULL,
	body            TEXT,
	request         TEXT,
	api_version     TEXT NOT NULL,
	deployment      TEXT NOT NULL,
	etag            TEXT NOT NULL,
	created         INTEGER NOT NULL,
	updated         INTEGER NOT NULL
);
CREATE INDEX resources_by_group ON resources (sub_key, group_key, key);
CREATE INDEX resources_by_type ON resources (type_key, key);
CREATE INDEX resources_by_parent ON resources (parent_key, key);

CREATE TABLE deployments (
	seq              INTEGER PRIMARY KEY,
	sub_key          TEXT NOT NULL,
	group_key        TEXT NOT NULL,
	name_key         TEXT NOT NULL,
	subscription_id  TEXT NOT NULL,
	resource_group   TEXT NOT NULL,
	name             TEXT NOT NULL,
	scope            TEXT NOT NULL,
	template_hash    TEXT NOT NULL,
	parameters       TEXT,
	mode             TEXT NOT NULL,
	status           TEXT NOT NULL,
	outputs          TEXT,
	output_resources TEXT,
	error            TEXT,
	correlation_id   TEXT NOT NULL,
	started          INTEGER NOT NULL,
	finished         INTEGER NOT NULL,
	UNIQUE (sub_key, group_key, name_key)
);
CREATE INDEX deployments_history ON deployments (sub_key, group_key, started, seq);

CREATE TABLE operations (
	deployment             INTEGER NOT NULL REFERENCES deployments (seq) ON DELETE CASCADE,
	sequence               INTEGER NOT NULL,
	operation_id           TEXT NOT NULL,
	resource_id            TEXT NOT NULL,
	resource_type          TEXT NOT NULL,
	provisioning_operation TEXT NOT NULL,
	status                 TEXT NOT NULL,
	started                INTEGER NOT NULL,
	duration               INTEGER NOT NULL,
	error                  TEXT,
	PRIMARY KEY (deployment, sequence)
);

CREATE TABLE role_assignments (
	key                TEXT PRIMARY KEY,
	id                 TEXT NOT NULL,
	scope_key          TEXT NOT NULL,
	scope              TEXT NOT NULL,
	principal_id       TEXT NOT NULL,
	role_definition_id TEXT NOT NULL,
	created            INTEGER NOT NULL
);
CREATE INDEX role_assignments_by_scope ON role_assignments (scope_key);

CREATE TABLE leases (
	scope   TEXT PRIMARY KEY,
	holder  TEXT NOT NULL,
	pid     INTEGER NOT NULL,
	host    TEXT NOT NULL,
	started INTEGER NOT NULL,
	token   TEXT NOT NULL
);
`,
	// 2: deployments keep their template, so that --rollback-on-error can
	// deploy an earlier one again.
	`
ALTER TABLE deployments ADD COLUMN template TEXT;
ALTER TABLE deployments ADD COLUMN template_name TEXT;
`,
	// 3: deployments at the tenant and management-group scopes, cancel
	// requests, lease heartbeats. A management group's history is keyed by
	// sub_key = its lower-cased id
	// ("/providers/microsoft.management/managementgroups/{mg}") and the
	// tenant's by sub_key = "/" (subscription ids never start with '/'),
	// both with group_key = ''; management_group keeps the spelling. Leases
	// of older builds count their start as their last heartbeat.
	`
ALTER TABLE deployments ADD COLUMN management_group TEXT NOT NULL DEFAULT '';
ALTER TABLE deployments ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deployments_running ON deployments (sub_key, group_key, started, seq) WHERE status = 'Running';

ALTER TABLE leases ADD COLUMN heartbeat INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN command TEXT NOT NULL DEFAULT '';
UPDATE leases SET heartbeat = started;
`,
	// 4: leases name their holder's principal and tell its process from a
	// later one with the same pid (its start time and the boot id). Leases
	// of older builds have neither and are checked by pid alone.
	`
ALTER TABLE leases ADD COLUMN principal TEXT NOT NULL DEFAULT '';
ALTER TABLE leases ADD COLUMN process_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leases ADD COLUMN boot_id TEXT NOT NULL DEFAULT '';
`,
	// 5: service principals that 'armdeploy serve' issues tokens to (the
	// secret kept only as a hash), and the long-running operations the REST
	// API reports on (what-if results, group deletes, resource PUTs), so
	// that any server over the store answers a poll.
	`
CREATE TABLE service_principals (
	app_key      TEXT PRIMARY KEY,
	app_id       TEXT NOT NULL,
	object_id    TEXT NOT NULL,
	tenant_id    TEXT NOT NULL,
	name_key     TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	secret_hash  TEXT NOT NULL,
	created      INTEGER NOT NULL
);
CREATE INDEX service_principals_by_object ON service_principals (object_id);

CREATE TABLE async_operations (
	key     TEXT PRIMARY KEY,
	id      TEXT NOT NULL,
	scope   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	principal TEXT NOT NULL,
	status    TEXT NOT NULL,
	result  TEXT,
	error   TEXT,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
CREATE INDEX async_operations_by_updated ON async_operations (updated);
`,
	// 6: the location of a subscription, management-group or tenant
	// deployment, which ARM returns with it.
	`ALTER TABLE deployments ADD COLUMN location TEXT NOT NULL DEFAULT '';`,
	// 7: the directory: preview-feature registrations per subscription
	// (Microsoft.Features, keyed by subscription/namespace/name
	// lower-cased) and Azure AD groups with their members (object ids).
	`
CREATE TABLE features (
	key             TEXT PRIMARY KEY,
	sub_key         TEXT NOT NULL,
	subscription_id TEXT NOT NULL,
	namespace       TEXT NOT NULL,
	name            TEXT NOT NULL,
	state           TEXT NOT NULL,
	updated         INTEGER NOT NULL
);
CREATE INDEX features_by_subscription ON features (sub_key, key);

CREATE TABLE ad_groups (
	key          TEXT PRIMARY KEY,
	object_id    TEXT NOT NULL,
	tenant_id    TEXT NOT NULL,
	name_key     TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	created      INTEGER NOT NULL
);

CREATE TABLE ad_group_members (
	group_key  TEXT NOT NULL,
	member_key TEXT NOT NULL,
	member_id  TEXT NOT NULL,
	PRIMARY KEY (group_key, member_key)
);
CREATE INDEX ad_group_members_by_member ON ad_group_members (member_key);
`,
	// 8: resources counted by type, subscription and location from the
	// index alone (the quotas per region a provider checks on every
	// create); it serves the lists by type too, in place of the index by
	// type and key (one index less to write per resource).
	`DROP INDEX resources_by_type;
CREATE INDEX resources_by_type_location ON resources (type_key, sub_key, location, key);`,
	// 9: the resource indexes end with the row id, not the key. Keys are
	// random within a group (names from uniqueString), so each index
	// entry ending with one landed on any leaf, and a commit of a few
	// dozen resources rewrote most leaves of the three indexes (about
	// 200 bytes an entry); the WAL frames and checkpoints of a deployment
	// of 800 were mostly index pages. Row ids only grow, so new entries
	// now append to their group's, type's and parent's range. Lists still
	// come sorted by key: SQLite sorts the rows the index selects.
	`DROP INDEX resources_by_group;
DROP INDEX resources_by_type_location;
DROP INDEX resources_by_parent;
CREATE INDEX resources_by_group ON resources (sub_key, group_key);
CREATE INDEX resources_by_type_location ON resources (type_key, sub_key, location);
CREATE INDEX resources_by_parent ON resources (parent_key);`,
	// 10: a deployment's template in a table of its own. A record is
	// written when its deployment starts and again when it ends, and a
	// row whose size changes is rewritten whole, so the second write
	// copied the template (hundreds of KB for a large one) once more.
	// The deployments' column stays, empty.
	`CREATE TABLE deployment_templates (
	seq      INTEGER PRIMARY KEY REFERENCES deployments (seq) ON DELETE CASCADE,
	template TEXT NOT NULL
);
INSERT INTO deployment_templates (seq, template) SELECT seq, template FROM deployments WHERE template IS NOT NULL;
UPDATE deployments SET template = NULL WHERE template IS NOT NULL;`,
}

// SchemaVersion returns the schema version this build writes: the number
// of migrations.
func SchemaVersion() int { return len(migrations) }
