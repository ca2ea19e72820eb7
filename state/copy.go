package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// CopyReport tells what [Copy] copied and how it checked it.
type CopyReport struct {
	Tenants, Subscriptions, ResourceGroups, Resources int
	Deployments, Operations, RoleAssignments          int
	ServicePrincipals                                 int
	Features, ADGroups, GroupMembers                  int
	// SHA256 is the checksum of the export document, the same for both
	// stores.
	SHA256 string
	// Bytes is the export document's size.
	Bytes int
}

// Copy copies the whole store from into to, which must be empty: the
// export document (tenants, subscriptions, groups, resources, deployments
// with their operations, role assignments, the lineage), the service
// principals and the directory (feature registrations, groups and their
// members). It then checks the copy: to's export must be the same
// document, byte for byte (so the same SHA-256), and hold the same number
// of records of each kind as from's, and the principals must read back the
// same. Leases (they belong to running processes) and the records of the
// REST API's long-running operations (kept a day) are not copied.
func Copy(ctx context.Context, from, to Store) (*CopyReport, error) {
	var src bytes.Buffer
	if err := from.Export(ctx, &src); err != nil {
		return nil, fmt.Errorf("copy the state store: %w", err)
	}
	principals, err := from.ServicePrincipals(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy the state store: service principals: %w", err)
	}
	if err := to.Import(ctx, bytes.NewReader(src.Bytes())); err != nil {
		return nil, fmt.Errorf("copy the state store: %w", err)
	}
	for _, p := range principals {
		if err := to.CreateServicePrincipal(ctx, p); err != nil {
			return nil, fmt.Errorf("copy the state store: service principal %s: %w", p.DisplayName, err)
		}
	}
	var dst bytes.Buffer
	if err := to.Export(ctx, &dst); err != nil {
		return nil, fmt.Errorf("check the copy: %w", err)
	}
	want, err := countExport(src.Bytes())
	if err != nil {
		return nil, err
	}
	got, err := countExport(dst.Bytes())
	if err != nil {
		return nil, err
	}
	srcSum, dstSum := sha256.Sum256(src.Bytes()), sha256.Sum256(dst.Bytes())
	if *got != *want {
		return nil, fmt.Errorf("check the copy: the copy holds %s, the original %s", got.counts(), want.counts())
	}
	if srcSum != dstSum {
		return nil, fmt.Errorf("check the copy: its export differs from the original's (sha256 %x, want %x)", dstSum, srcSum)
	}
	copied, err := to.ServicePrincipals(ctx)
	if err != nil {
		return nil, fmt.Errorf("check the copy: service principals: %w", err)
	}
	if len(copied) != len(principals) {
		return nil, fmt.Errorf("check the copy: %d service principals, want %d", len(copied), len(principals))
	}
	for i, p := range principals {
		c := copied[i]
		if c.AppID != p.AppID || c.ObjectID != p.ObjectID || c.SecretHash != p.SecretHash || c.DisplayName != p.DisplayName ||
			c.TenantID != p.TenantID || !c.Created.Equal(p.Created) {
			return nil, fmt.Errorf("check the copy: service principal %s differs", p.DisplayName)
		}
	}
	want.ServicePrincipals = len(principals)
	if want.Features, want.ADGroups, want.GroupMembers, err = copyDirectory(ctx, from, to); err != nil {
		return nil, err
	}
	want.SHA256 = hex.EncodeToString(srcSum[:])
	want.Bytes = src.Len()
	return want, nil
}

// countExport counts the records of an export document.
func countExport(data []byte) (*CopyReport, error) {
	var doc exportDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("check the copy: %w", err)
	}
	r := &CopyReport{Tenants: len(doc.Tenants), Subscriptions: len(doc.Subscriptions),
		ResourceGroups: len(doc.ResourceGroups), Resources: len(doc.Resources), Deployments: len(doc.Deployments),
		RoleAssignments: len(doc.RoleAssignments)}
	for _, d := range doc.Deployments {
		r.Operations += len(d.Operations)
	}
	return r, nil
}

func (r *CopyReport) counts() string {
	return fmt.Sprintf("%d tenants, %d subscriptions, %d resource groups, %d resources, %d deployments with %d operations, %d role assignments",
		r.Tenants, r.Subscriptions, r.ResourceGroups, r.Resources, r.Deployments, r.Operations, r.RoleAssignments)
}
