package server

import (
	"context"
	"net/http"

	"github.com/armdeploy/armdeploy/arm"
)

// Subscriptions, tenants, locations, providers and resource groups.

func listSubscriptions(c *call) (*reply, error) {
	subs, err := c.s.opts.Service.ListSubscriptions(c.r.Context(), c.principal)
	if err != nil {
		return nil, err
	}
	views := make([]*arm.Subscription, 0, len(subs))
	for _, sub := range subs {
		views = append(views, arm.SubscriptionView(sub))
	}
	return page(c, views)
}

func getSubscription(c *call) (*reply, error) {
	sub, err := c.s.opts.Service.GetSubscription(c.r.Context(), c.principal, c.segs[1])
	if err != nil {
		return nil, err
	}
	return ok(arm.SubscriptionView(sub))
}

func listTenants(c *call) (*reply, error) {
	ts, err := c.s.opts.Service.ListTenants(c.r.Context(), c.principal)
	if err != nil {
		return nil, err
	}
	return page(c, ts)
}

func listLocations(c *call) (*reply, error) {
	ls, err := c.s.opts.Service.ListLocations(c.r.Context(), c.principal, c.segs[1])
	if err != nil {
		return nil, err
	}
	return page(c, ls)
}

func listProviders(c *call) (*reply, error) {
	ps, err := c.s.opts.Service.ListProviders(c.r.Context(), c.principal, c.segs[1])
	if err != nil {
		return nil, err
	}
	return page(c, ps)
}

func getProvider(c *call) (*reply, error) {
	p, err := c.s.opts.Service.GetProvider(c.r.Context(), c.principal, c.segs[1], c.segs[3])
	if err != nil {
		return nil, err
	}
	return ok(p)
}

// groupBody is a resource group's PUT or PATCH body.
type groupBody struct {
	Location  string             `json:"location"`
	Tags      *map[string]string `json:"tags"`
	ManagedBy string             `json:"managedBy"`
}

func checkGroupVersion(c *call) error {
	if e := arm.CheckAPIVersion("Microsoft.Resources/resourceGroups", c.apiVersion, ""); e != nil {
		return e
	}
	return nil
}

func listGroups(c *call) (*reply, error) {
	gs, err := c.s.opts.Service.ListGroups(c.r.Context(), c.principal, c.segs[1])
	if err != nil {
		return nil, err
	}
	views := make([]*arm.ResourceGroup, 0, len(gs))
	for _, g := range gs {
		views = append(views, arm.GroupView(g))
	}
	return page(c, views)
}

// groupExists reports whether the caller sees the group (a caller that
// may not read it gets the denial).
func groupExists(ctx context.Context, c *call) (bool, error) {
	_, err := c.s.opts.Service.GetGroup(ctx, c.principal, c.segs[1], c.segs[3])
	if e, isArm := arm.AsError(err); isArm && e.Status == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// putGroup is PUT: 201 when it creates the group, 200 when it updates it.
func putGroup(c *call) (*reply, error) {
	if err := checkGroupVersion(c); err != nil {
		return nil, err
	}
	var b groupBody
	if _, err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	if b.Location == "" {
		return nil, errorf(http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
	}
	existed, _ := groupExists(c.r.Context(), c)
	req := arm.GroupRequest{SubscriptionID: c.segs[1], Name: c.segs[3], Location: b.Location}
	if b.Tags != nil {
		req.Tags, req.SetTags = *b.Tags, true
	}
	g, err := c.s.opts.Service.CreateOrUpdateGroup(c.r.Context(), c.principal, req)
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	return &reply{status: status, body: arm.GroupView(g)}, nil
}

func getGroup(c *call) (*reply, error) {
	if err := checkGroupVersion(c); err != nil {
		return nil, err
	}
	g, err := c.s.opts.Service.GetGroup(c.r.Context(), c.principal, c.segs[1], c.segs[3])
	if err != nil {
		return nil, err
	}
	return ok(arm.GroupView(g))
}

// headGroup is az group exists: 204 or 404, no body.
func headGroup(c *call) (*reply, error) {
	exists, err := groupExists(c.r.Context(), c)
	if err != nil {
		return nil, err
	}
	if !exists {
		return &reply{status: http.StatusNotFound}, nil
	}
	return &reply{status: http.StatusNoContent}, nil
}

// patchGroup updates a group's tags (and nothing else: its location is
// fixed).
func patchGroup(c *call) (*reply, error) {
	if err := checkGroupVersion(c); err != nil {
		return nil, err
	}
	var b groupBody
	if _, err := c.decodeJSON(&b); err != nil {
		return nil, err
	}
	g, err := c.s.opts.Service.GetGroup(c.r.Context(), c.principal, c.segs[1], c.segs[3])
	if err != nil {
		return nil, err
	}
	req := arm.GroupRequest{SubscriptionID: g.SubscriptionID, Name: g.Name, Location: g.Location}
	if b.Tags != nil {
		req.Tags, req.SetTags = *b.Tags, true
	}
	if b.Location != "" {
		req.Location = b.Location
	}
	g, err = c.s.opts.Service.CreateOrUpdateGroup(c.r.Context(), c.principal, req)
	if err != nil {
		return nil, err
	}
	return ok(arm.GroupView(g))
}

// deleteGroup is DELETE: 202 with a Location to poll, the delete running
// in the background.
func deleteGroup(c *call) (*reply, error) {
	if err := checkGroupVersion(c); err != nil {
		return nil, err
	}
	op, done, err := c.s.opts.Service.StartDeleteGroup(c.s.runCtx, c.principal, c.segs[1], c.segs[3])
	if err != nil {
		return nil, err
	}
	c.s.track(done)
	return &reply{status: http.StatusAccepted, header: map[string]string{
		"Location":    c.pollURL("/subscriptions/" + c.segs[1] + "/operationresults/" + op.ID),
		"Retry-After": c.retryAfter(), "retry-after-ms": c.retryAfterMS(),
	}}, nil
}
