package evaluator

import "fmt"

// UnknownResolver answers every runtime question with an unknown value: it
// is the resolver of a plan with no deployed state, where reference() and
// list*() results exist only once the resources do.
type UnknownResolver struct{}

var _ Resolver = UnknownResolver{}

// Reference returns an unknown standing for reference(nameOrID).
func (UnknownResolver) Reference(nameOrID, apiVersion string, full bool) (Value, error) {
	if full {
		return UnknownValue(fmt.Sprintf("reference('%s', '%s', 'Full')", nameOrID, apiVersion)), nil
	}
	if apiVersion != "" {
		return UnknownValue(fmt.Sprintf("reference('%s', '%s')", nameOrID, apiVersion)), nil
	}
	return UnknownValue(fmt.Sprintf("reference('%s')", nameOrID)), nil
}

// List returns an unknown standing for the list action.
func (UnknownResolver) List(action, resourceID, apiVersion string, body Value) (Value, error) {
	return UnknownValue(fmt.Sprintf("%s('%s', '%s')", action, resourceID, apiVersion)), nil
}

// Providers returns an unknown standing for providers().
func (UnknownResolver) Providers(namespace, resourceType string) (Value, error) {
	return UnknownValue(fmt.Sprintf("providers('%s', '%s')", namespace, resourceType)), nil
}

// PickZones returns an unknown standing for pickZones().
func (UnknownResolver) PickZones(namespace, resourceType, location string, count, offset int64) (Value, error) {
	return UnknownValue(fmt.Sprintf("pickZones('%s', '%s', '%s')", namespace, resourceType, location)), nil
}
