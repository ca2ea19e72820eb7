package providers

import (
	"context"
	"fmt"

	"github.com/armdeploy/armdeploy/state"
)

// Gallery limits per subscription and region (gallery-rp.md §9, seed
// "Limits").
const (
	MaxGalleriesPerRegion        = 100
	MaxImageDefinitionsPerRegion = 1000
	MaxImageVersionsPerRegion    = 10000
)

// checkQuota refuses the creation of a resource of resourceType when the
// subscription already has limit of them in the region. Updates never
// count.
//
// [U] Azure's code and text for these limits were not found
// (gallery-rp.md §9 "Quota error text/code when exceeding limits: not
// found"); the code is ARM's QuotaExceeded and the text is our own.
func checkQuota(ctx context.Context, r *Request, id *state.ResourceID, location, noun string, limit int) error {
	if r.Current != nil {
		return nil
	}
	n, err := countInRegion(ctx, r.Store, id.SubscriptionID, id.Type, location, r.ID)
	if err != nil {
		return err
	}
	if n >= limit {
		return &Error{Code: "QuotaExceeded",
			Message: fmt.Sprintf("Operation could not be completed as it results in exceeding approved quota: a subscription can have at most %d %s per region, and subscription '%s' already has %d in region '%s'.",
				limit, noun, id.SubscriptionID, n, location)}
	}
	return nil
}
