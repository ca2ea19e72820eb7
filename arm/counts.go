package arm

import (
	"context"
	"errors"
	"maps"
	"sync"

	"github.com/armdeploy/armdeploy/state"
)

// countingStore is the store a deployment applies through. It answers
// the providers' counts by location (the quotas per region checked on
// every create) from the store's counts read at the first check of a
// type, kept up to date with the deployment's own writes, so that a
// create costs no scan of the resources already stored. Writes by others
// during the deployment are not seen by its counts: a quota is checked
// against the subscription as the deployment found it plus what it did.
type countingStore struct {
	state.Store
	counter state.LocationCounter
	// writes is held for reading by each write, for writing while the
	// counts of a type are read from the store, so that no write of this
	// deployment is counted twice or not at all.
	writes sync.RWMutex
	mu     sync.Mutex
	counts map[string]map[string]int // by typeKey, then location as stored
}

// withCounts wraps store in a countingStore when it can count by
// location; it returns it unchanged when it cannot.
func withCounts(store state.Store) state.Store {
	c, ok := store.(state.LocationCounter)
	if !ok {
		return store
	}
	cs := &countingStore{Store: store, counter: c, counts: map[string]map[string]int{}}
	if _, ok := store.(state.ConditionalPutter); ok {
		return conditionalCounting{cs}
	}
	return cs
}

// conditionalCounting is a countingStore over a store that puts
// conditionally, and so does it.
type conditionalCounting struct{ *countingStore }

func (c conditionalCounting) PutResourceIf(ctx context.Context, r *state.Resource, read *state.Resource) error {
	put := func() error { return c.Store.(state.ConditionalPutter).PutResourceIf(ctx, r, read) }
	return c.put(ctx, r, put)
}

// CountByLocation counts as the store did at the first count of the type,
// with this deployment's writes since.
func (c *countingStore) CountByLocation(ctx context.Context, subscription, resourceType string) (map[string]int, error) {
	t := typeKey(subscription, resourceType)
	c.mu.Lock()
	m, ok := c.counts[t]
	if ok {
		m = maps.Clone(m)
	}
	c.mu.Unlock()
	if ok {
		return m, nil
	}
	c.writes.Lock()
	defer c.writes.Unlock()
	m, err := c.counter.CountByLocation(ctx, subscription, resourceType)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.counts[t] = maps.Clone(m)
	c.mu.Unlock()
	return m, nil
}

// tracked reports whether the counts of r's type are kept, with its key.
func (c *countingStore) tracked(id string) (string, bool) {
	c.mu.Lock()
	none := len(c.counts) == 0
	c.mu.Unlock()
	if none {
		return "", false // no count read yet: no id to parse on the write path
	}
	ref, err := state.ParseResourceID(id)
	if err != nil {
		return "", false
	}
	t := typeKey(ref.SubscriptionID, ref.Type)
	c.mu.Lock()
	_, ok := c.counts[t]
	c.mu.Unlock()
	return t, ok
}

// before returns the stored resource id names, nil when there is none.
func (c *countingStore) before(ctx context.Context, id string) (*state.Resource, error) {
	r, err := c.Store.Resource(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		return nil, nil
	}
	return r, err
}

// adjust moves one resource of type t from the location it had (prev, nil
// for none) to loc ("-" for deleted); an error of the write forgets the
// counts of t, to be read again.
func (c *countingStore) adjust(t string, prev *state.Resource, loc string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.counts[t]
	if m == nil {
		return
	}
	if err != nil {
		delete(c.counts, t)
		return
	}
	if prev != nil {
		m[prev.Location]--
	}
	if loc != "-" {
		m[loc]++
	}
}

func (c *countingStore) PutResource(ctx context.Context, r *state.Resource) error {
	return c.put(ctx, r, func() error { return c.Store.PutResource(ctx, r) })
}

// put runs a put of r, counting it.
func (c *countingStore) put(ctx context.Context, r *state.Resource, put func() error) error {
	c.writes.RLock()
	defer c.writes.RUnlock()
	t, ok := c.tracked(r.ID)
	if !ok {
		return put()
	}
	prev, err := c.before(ctx, r.ID)
	if err == nil {
		err = put()
	}
	c.adjust(t, prev, r.Location, err)
	return err
}

func (c *countingStore) DeleteResource(ctx context.Context, id string) error {
	c.writes.RLock()
	defer c.writes.RUnlock()
	t, ok := c.tracked(id)
	if !ok {
		return c.Store.DeleteResource(ctx, id)
	}
	prev, err := c.before(ctx, id)
	if err == nil {
		err = c.Store.DeleteResource(ctx, id)
	}
	c.adjust(t, prev, "-", err)
	return err
}

var _ state.LocationCounter = (*countingStore)(nil)
