package arm

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Azure AD groups, as 'az ad group create|list|member add|member
// list|member remove' manage them. A group is a principal: role
// assignments name its object id, and they apply to its members (service
// principals of any tenant, and nested groups) wherever authorisation is
// checked (providers.Authorize). Only the directory's administrator (the
// default principal, or a principal that manages access at the tenant
// root) changes groups, as only a directory role may in Azure; anyone
// reads them.

// ADGroup is a group as 'az ad group show' prints it (the members of
// Microsoft Graph's group that matter here).
type ADGroup struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	TenantID    string `json:"tenantId"`
	// MailNickname is the display name without spaces, as az requires
	// one at creation.
	MailNickname    string `json:"mailNickname"`
	SecurityEnabled bool   `json:"securityEnabled"`
	CreatedDateTime string `json:"createdDateTime,omitempty"`
}

// errDirectoryDenied is Microsoft Graph's refusal of a directory write by
// a principal without a directory role.
func errDirectoryDenied() *Error {
	return Errorf(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

func adGroupView(g *state.ADGroup) *ADGroup {
	return &ADGroup{ID: g.ObjectID, DisplayName: g.DisplayName, TenantID: g.TenantID,
		MailNickname: strings.ReplaceAll(g.DisplayName, " ", ""), SecurityEnabled: true, CreatedDateTime: FormatTime(g.Created)}
}

// directoryWrite checks that principal may change the directory: the
// default principal, or one that manages access at the tenant root (what
// a Global Administrator holds once it elevated its access, as Azure
// documents; a subscription's Owner does not).
func (s *Service) directoryWrite(ctx context.Context, principal string) error {
	if principal != "" && s.authorize(ctx, principal, actionRoleAssignmentsWrite, "/") != nil {
		return errDirectoryDenied()
	}
	if s.store == nil {
		return errors.New("change the directory: the state store does not exist")
	}
	return nil
}

// CreateADGroup creates a security group named name in tenant (the
// service's tenant when ""). A name already taken is a 409 Conflict.
func (s *Service) CreateADGroup(ctx context.Context, principal, name, tenant string) (*ADGroup, error) {
	if err := s.directoryWrite(ctx, principal); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 256 {
		return nil, Errorf(400, "Request_BadRequest", "Invalid value specified for property 'displayName' of resource 'Group'.")
	}
	if tenant == "" {
		tenant = s.opts.Tenant
	}
	g := &state.ADGroup{ObjectID: groupObjectID(s.newID(), tenant, name), TenantID: tenant, DisplayName: name, Created: s.opts.Now()}
	if err := s.store.CreateADGroup(ctx, g); errors.Is(err, state.ErrExists) {
		return nil, Errorf(409, "Conflict", "A group named '%s' already exists.", name)
	} else if err != nil {
		return nil, err
	}
	return adGroupView(g), nil
}

// groupObjectID is a new group's object id: a GUID from the service's
// randomness, the tenant and the name, so that it is unique per name even
// when the randomness is fixed (tests).
func groupObjectID(random, tenant, name string) string {
	h := sha256.Sum256([]byte(random + "/" + lower(tenant) + "/" + lower(name)))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// ADGroups lists the groups sorted by name.
func (s *Service) ADGroups(ctx context.Context) ([]*ADGroup, error) {
	out := []*ADGroup{}
	if s.store == nil {
		return out, nil
	}
	gs, err := s.store.ADGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		out = append(out, adGroupView(g))
	}
	return out, nil
}

// FindADGroup returns the group whose object id or name
// (case-insensitive) is key, or a 404.
func (s *Service) FindADGroup(ctx context.Context, key string) (*ADGroup, error) {
	gs, err := s.ADGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if strings.EqualFold(g.ID, key) || strings.EqualFold(g.DisplayName, key) {
			return g, nil
		}
	}
	return nil, Errorf(404, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", key)
}

// AddADGroupMember makes member (an object id: a service principal of
// any tenant, or another group) a member of group (its id or name).
func (s *Service) AddADGroupMember(ctx context.Context, principal, group, member string) error {
	if err := s.directoryWrite(ctx, principal); err != nil {
		return err
	}
	g, err := s.FindADGroup(ctx, group)
	if err != nil {
		return err
	}
	member = strings.TrimSpace(member)
	if member == "" {
		return Errorf(400, "Request_BadRequest", "A member needs an object id.")
	}
	if strings.EqualFold(member, g.ID) || s.memberOfTransitive(ctx, g.ID, member) {
		return Errorf(400, "Request_BadRequest", "The group '%s' cannot be a member of itself.", g.DisplayName)
	}
	return s.store.AddGroupMember(ctx, g.ID, member)
}

// memberOfTransitive reports whether id is, directly or through nested
// groups, a member of group.
func (s *Service) memberOfTransitive(ctx context.Context, id, group string) bool {
	seen := map[string]bool{}
	queue := []string{id}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		gs, err := s.reader.MemberOf(ctx, p)
		if err != nil {
			return false
		}
		for _, g := range gs {
			if strings.EqualFold(g, group) {
				return true
			}
			if !seen[strings.ToLower(g)] {
				seen[strings.ToLower(g)] = true
				queue = append(queue, g)
			}
		}
	}
	return false
}

// RemoveADGroupMember removes a member from a group.
func (s *Service) RemoveADGroupMember(ctx context.Context, principal, group, member string) error {
	if err := s.directoryWrite(ctx, principal); err != nil {
		return err
	}
	g, err := s.FindADGroup(ctx, group)
	if err != nil {
		return err
	}
	if err := s.store.RemoveGroupMember(ctx, g.ID, member); errors.Is(err, state.ErrNotFound) {
		return Errorf(404, "Request_ResourceNotFound", "'%s' is not a member of the group '%s'.", member, g.DisplayName)
	} else if err != nil {
		return err
	}
	return nil
}

// ADGroupMembers lists the object ids of a group's direct members.
func (s *Service) ADGroupMembers(ctx context.Context, group string) ([]string, error) {
	g, err := s.FindADGroup(ctx, group)
	if err != nil {
		return nil, err
	}
	ms, err := s.store.GroupMembers(ctx, g.ID)
	if ms == nil {
		ms = []string{}
	}
	return ms, err
}
