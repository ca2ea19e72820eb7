package providers

import (
	"context"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Private address allocation is atomic in Azure: two resources PUT at
// the same time into one subnet never get the same Dynamic address. A
// deployment applies independent resources in parallel, and each
// provider sees only what the store has committed, so the addresses
// handed out are also reserved here, per store, until the process ends;
// allocMu makes reading the used addresses, choosing and reserving one
// step. A reservation lasts until the store holds its resource (the
// store then says what the resource holds) or reservationTTL has passed
// (a PUT that failed).
var (
	allocMu      sync.Mutex
	reservations = map[any][]reservation{}
)

const reservationTTL = 10 * time.Minute

type reservation struct {
	subnet   string // lower-cased subnet id
	ip       netip.Addr
	owner    string // the IP configuration (or resource) that holds it
	resource string // the resource PUT
	at       time.Time
}

// storeKey is the map key of a request's store: the store itself when it
// is a pointer (comparable, and held so that no other store reuses it),
// else nil (nothing is reserved).
func storeKey(r *Request) any {
	if r.Store == nil || reflect.ValueOf(r.Store).Kind() != reflect.Pointer {
		return nil
	}
	return r.Store
}

// reserve records that owner, of r's resource, holds ip in subnet,
// replacing what owner held before. The caller holds allocMu.
func reserve(r *Request, subnet string, ip netip.Addr, owner string) {
	k := storeKey(r)
	if k == nil {
		return
	}
	kept := reservations[k][:0]
	for _, v := range reservations[k] {
		if !strings.EqualFold(v.owner, owner) {
			kept = append(kept, v)
		}
	}
	reservations[k] = append(kept, reservation{subnet: strings.ToLower(subnet), ip: ip, owner: owner, resource: r.ID, at: time.Now()})
}

// addReserved adds to used the addresses reserved in r's store by other
// resources than r, and forgets the reservations whose resource the store
// now holds or that are too old. The caller holds allocMu.
func addReserved(ctx context.Context, r *Request, used map[string]map[netip.Addr]string) error {
	k := storeKey(r)
	if k == nil {
		return nil
	}
	kept := reservations[k][:0]
	for _, v := range reservations[k] {
		if time.Since(v.at) > reservationTTL {
			continue
		}
		if res, err := lookup(ctx, r.Store, v.resource); err != nil {
			return err
		} else if res != nil {
			continue // committed: the store says what it holds
		}
		kept = append(kept, v)
		if strings.EqualFold(v.resource, r.ID) {
			continue
		}
		if _, taken := used[v.subnet][v.ip]; !taken {
			markUsed(used, v.subnet, v.ip, v.owner)
		}
	}
	reservations[k] = kept
	return nil
}
