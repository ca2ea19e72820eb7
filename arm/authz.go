package arm

import "context"

// Actions only an Owner of a scope holds together: managing access
// (which Contributor lacks) and deploying (which User Access
// Administrator lacks).
const (
	actionRoleAssignmentsWrite = "Microsoft.Authorization/roleAssignments/write"
	actionDeploymentsWrite     = "Microsoft.Resources/deployments/write"
)

// requireOwner checks that principal holds Owner's rights on the scope
// id: both managing access and deploying there. Breaking another
// holder's lease and exporting or importing the whole store need it.
func (s *Service) requireOwner(ctx context.Context, principal, id string) error {
	for _, action := range []string{actionRoleAssignmentsWrite, actionDeploymentsWrite} {
		if err := s.authorize(ctx, principal, action, id); err != nil {
			return err
		}
	}
	return nil
}
