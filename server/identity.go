package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

// Service principals: the identities that get tokens from the server.
// Their secrets are kept as bcrypt hashes; a new principal has no role
// (the subscription's Owner grants one with a role assignment, as in
// Azure).

// NewPrincipal is a service principal just created, with its secret: the
// only time the secret is known.
type NewPrincipal struct {
	*state.ServicePrincipal
	Secret string
}

// CreatePrincipal creates a service principal named name in tenant (the
// default tenant when empty). A name already taken is a 409 Conflict.
func CreatePrincipal(ctx context.Context, st state.Store, name, tenant string) (*NewPrincipal, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 120 {
		return nil, arm.Errorf(400, "InvalidName", "A service principal needs a name of 1 to 120 characters.")
	}
	if tenant == "" {
		tenant = arm.DefaultTenant
	}
	secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	p := &state.ServicePrincipal{AppID: uuid.NewString(), ObjectID: uuid.NewString(), TenantID: tenant, DisplayName: name,
		SecretHash: string(hash)}
	if err := st.CreateServicePrincipal(ctx, p); errors.Is(err, state.ErrExists) {
		return nil, arm.Errorf(409, "Conflict", "A service principal named '%s' already exists.", name)
	} else if err != nil {
		return nil, err
	}
	return &NewPrincipal{ServicePrincipal: p, Secret: secret}, nil
}

// newSecret is a client secret in the style of Azure's: 40 characters of
// letters, digits, '~', '.' and '_', never starting with '-'.
func newSecret() (string, error) {
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	s = strings.NewReplacer("-", "~", "_", ".").Replace(s)
	return "ad" + s[:38], nil
}

// FindPrincipal returns the principal whose app id, object id or name
// (case-insensitive) is key.
func FindPrincipal(ctx context.Context, st state.Store, key string) (*state.ServicePrincipal, error) {
	if p, err := st.ServicePrincipal(ctx, key); err == nil {
		return p, nil
	} else if !errors.Is(err, state.ErrNotFound) {
		return nil, err
	}
	ps, err := st.ServicePrincipals(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if strings.EqualFold(p.DisplayName, key) || strings.EqualFold(p.ObjectID, key) {
			return p, nil
		}
	}
	return nil, arm.Errorf(404, "NotFound", "There is no service principal '%s'.", key)
}

// checkSecret returns the principal of appID when secret is its secret.
// Every failure says the same, as Azure does not tell a missing
// application from a bad secret apart to an anonymous caller.
func checkSecret(ctx context.Context, st state.Store, appID, secret string) (*state.ServicePrincipal, error) {
	p, err := st.ServicePrincipal(ctx, appID)
	if errors.Is(err, state.ErrNotFound) {
		return nil, errBadClient
	} else if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(p.SecretHash), []byte(secret)) != nil {
		return nil, errBadClient
	}
	return p, nil
}

var errBadClient = fmt.Errorf("invalid client")
