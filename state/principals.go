package state

import (
	"encoding/json"
	"time"
)

// ServicePrincipal is an application identity that 'armdeploy serve'
// issues tokens to (the client-credentials grant). Its ObjectID is the
// principal that role assignments name and RBAC checks.
type ServicePrincipal struct {
	AppID       string
	ObjectID    string
	TenantID    string
	DisplayName string
	// SecretHash is the client secret's hash (bcrypt); the secret itself
	// is never stored.
	SecretHash string
	Created    time.Time
}

// AsyncOperation is a long-running operation of the REST API (a what-if,
// a group delete, an image version's replication): its status and, once
// it finished, its result or error, so that whichever server a client
// polls can answer.
type AsyncOperation struct {
	ID string
	// Scope is the id the operation is about (a deployment, a group, a
	// resource): reading the operation needs read access to it.
	Scope string
	// Kind names what runs ("whatIf", "groupDelete", "resourcePut").
	Kind string
	// Principal started it: it may read the operation even once the
	// scope is gone.
	Principal string
	// Status is Running, Succeeded, Failed or Canceled.
	Status string
	// Result is the body a finished operation returns, or nil.
	Result json.RawMessage
	// Error is the ARM error of a failed operation, or nil.
	Error   json.RawMessage
	Created time.Time
	Updated time.Time
}

// AsyncOperationTTL is how long a finished operation's record is kept
// after its last update.
const AsyncOperationTTL = 24 * time.Hour
