package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// memStore is a small in-memory state.Reader for provider tests.
type memStore struct {
	mu          sync.Mutex
	resources   map[string]*state.Resource
	groups      map[string]*state.ResourceGroup
	assignments []*state.RoleAssignment
}

var _ state.Reader = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{resources: map[string]*state.Resource{}, groups: map[string]*state.ResourceGroup{}}
}

func (m *memStore) Resource(_ context.Context, id string) (*state.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.resources[strings.ToLower(id)]; ok {
		c := *r
		return &c, nil
	}
	return nil, fmt.Errorf("resource %s: %w", id, state.ErrNotFound)
}

func (m *memStore) Resources(_ context.Context, f state.ResourceFilter) ([]*state.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*state.Resource
	for _, r := range m.resources {
		if f.SubscriptionID != "" && !strings.EqualFold(f.SubscriptionID, r.SubscriptionID) ||
			f.ResourceGroup != "" && !strings.EqualFold(f.ResourceGroup, r.ResourceGroup) ||
			f.Type != "" && !strings.EqualFold(f.Type, r.Type) ||
			f.Parent != "" && !strings.EqualFold(f.Parent, r.Parent) {
			continue
		}
		c := *r
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].ID) < strings.ToLower(out[j].ID) })
	return out, nil
}

func (m *memStore) Group(_ context.Context, sub, name string) (*state.ResourceGroup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if g, ok := m.groups[strings.ToLower(sub+"/"+name)]; ok {
		c := *g
		return &c, nil
	}
	return nil, fmt.Errorf("group %s: %w", name, state.ErrNotFound)
}

func (m *memStore) Groups(context.Context, string) ([]*state.ResourceGroup, error) { return nil, nil }
func (m *memStore) Deployment(context.Context, state.Scope, string) (*state.Deployment, error) {
	return nil, state.ErrNotFound
}
func (m *memStore) Deployments(context.Context, state.Scope) ([]*state.Deployment, error) {
	return nil, nil
}
func (m *memStore) Operations(context.Context, state.Scope, string) ([]*state.Operation, error) {
	return nil, nil
}

func (m *memStore) RoleAssignments(_ context.Context, scope string) ([]*state.RoleAssignment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*state.RoleAssignment
	for _, a := range m.assignments {
		if scopeCovers(a.Scope, scope) {
			c := *a
			out = append(out, &c)
		}
	}
	return out, nil
}

func (m *memStore) Feature(context.Context, string, string, string) (*state.FeatureRegistration, error) {
	return nil, state.ErrNotFound
}
func (m *memStore) MemberOf(context.Context, string) ([]string, error) { return nil, nil }

func (m *memStore) put(r *state.Resource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources[strings.ToLower(r.ID)] = r
}

func (m *memStore) putGroup(sub, name, loc string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.groups[strings.ToLower(sub+"/"+name)] = &state.ResourceGroup{SubscriptionID: sub, Name: name, Location: loc}
}

// ---- the test world ---------------------------------------------------

const (
	testSub = "11111111-2222-3333-4444-555555555555"
	testRG  = "rg"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// world is a store with a resource group, plus helpers that PUT resources
// through their providers and commit the results as the planner does.
type world struct {
	t     *testing.T
	store *memStore
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, store: newMemStore()}
	w.store.putGroup(testSub, testRG, "eastus")
	return w
}

// resID builds a resource id in the test group: resID("Microsoft.Compute/
// galleries/images", "g", "d").
func resID(typ string, names ...string) string {
	if typeIs(typ, typeResourceGroup) {
		return "/subscriptions/" + testSub + "/resourceGroups/" + names[0]
	}
	segs := strings.Split(typ, "/")
	var b strings.Builder
	b.WriteString("/subscriptions/" + testSub + "/resourceGroups/" + testRG + "/providers/" + segs[0])
	for i, n := range names {
		b.WriteString("/" + segs[i+1] + "/" + n)
	}
	return b.String()
}

// js parses a JSON body the way the planner hands it over: integers as
// int64.
func js(t *testing.T, s string) map[string]any {
	t.Helper()
	if s == "" {
		return map[string]any{}
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return plain(v).(map[string]any)
}

func plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = plain(e)
		}
	case []any:
		for i, e := range t {
			t[i] = plain(e)
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// request builds the PUT of a resource, with Current from the store.
func (w *world) request(typ, api, body string, names ...string) *Request {
	id := resID(typ, names...)
	r := &Request{ID: id, Type: typ, Name: strings.Join(names, "/"), APIVersion: api,
		SubscriptionID: testSub, ResourceGroup: testRG, Body: js(w.t, body), Store: w.store, Now: testNow}
	if cur, err := w.store.Resource(context.Background(), id); err == nil {
		r.Current = cur
	}
	return r
}

// put sends a PUT to the type's provider and commits a success.
func (w *world) put(typ, api, body string, names ...string) (*Result, error) {
	return w.send(w.request(typ, api, body, names...))
}

func (w *world) send(r *Request) (*Result, error) {
	res, err := For(r.Type).Put(context.Background(), r)
	if err != nil {
		return nil, err
	}
	raw, jerr := json.Marshal(res.Body)
	if jerr != nil {
		w.t.Fatalf("body of %s does not marshal: %v", r.ID, jerr)
	}
	loc, _ := res.Body["location"].(string)
	p, _ := state.ParseResourceID(r.ID)
	created := r.Now
	if r.Current != nil {
		created = r.Current.Created
	}
	w.store.put(&state.Resource{ID: r.ID, SubscriptionID: testSub, ResourceGroup: p.ResourceGroup, Type: r.Type,
		Name: r.Name, Location: loc, Parent: p.Parent, Body: raw, APIVersion: r.APIVersion, Created: created, Updated: r.Now})
	return res, nil
}

// must PUTs and fails the test on an error.
func (w *world) must(typ, api, body string, names ...string) *Result {
	w.t.Helper()
	res, err := w.put(typ, api, body, names...)
	if err != nil {
		w.t.Fatalf("PUT %s %v: %v", typ, names, err)
	}
	return res
}

// get returns a stored body.
func (w *world) get(typ string, names ...string) map[string]any {
	w.t.Helper()
	r, err := w.store.Resource(context.Background(), resID(typ, names...))
	if err != nil {
		w.t.Fatalf("get %s %v: %v", typ, names, err)
	}
	return bodyOf(r)
}

// del sends a DELETE of a stored resource.
func (w *world) del(typ string, names ...string) error {
	r, err := w.store.Resource(context.Background(), resID(typ, names...))
	if err != nil {
		w.t.Fatalf("delete %s %v: %v", typ, names, err)
	}
	return For(typ).Delete(context.Background(), &DeleteRequest{Resource: r, Store: w.store, Now: testNow})
}

// ---- fixtures -------------------------------------------------------------

const (
	apiGallery = "2019-12-01"
	apiVersion = "2020-09-30"
	apiCompute = "2020-12-01"
	apiNetwork = "2020-07-01"
	apiPIP     = "2020-08-01"
)

const (
	galleryBody = `{"location":"eastus","properties":{"description":"My Private Gallery"}}`
	windowsDef  = `{"location":"eastus","properties":{"osType":"Windows","osState":"Generalized",
		"identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}}`
	linuxDef = `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V1",
		"identifier":{"publisher":"contoso","offer":"linux","sku":"gen1"}}}`
	specializedDef = `{"location":"eastus","properties":{"osType":"Linux","osState":"Specialized",
		"identifier":{"publisher":"contoso","offer":"linux","sku":"special"}}}`
	emptyDisk = `{"location":"eastus","sku":{"name":"Standard_LRS"},
		"properties":{"osType":"Windows","creationData":{"createOption":"Empty"},"diskSizeGB":127}}`
	linuxDisk = `{"location":"eastus","properties":{"osType":"Linux","creationData":{"createOption":"Empty"},"diskSizeGB":30}}`
)

func managedImageBody(disk, osType, osState string) string {
	return fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"managedDisk":{"id":%q},
		"osType":%q,"osState":%q}},"hyperVGeneration":"V1"}}`, resID(typeDisk, disk), osType, osState)
}

func versionBody(source string, regions string) string {
	return fmt.Sprintf(`{"location":"eastus","properties":{"publishingProfile":{"replicaCount":1,"targetRegions":%s},
		"storageProfile":{"source":{"id":%q},"osDiskImage":{"hostCaching":"ReadWrite"}}}}`, regions, source)
}

// gallerySetup makes gallery "gal" with Windows definition "win" and Linux
// definition "lin", the disks and managed images "winimg" and "linimg".
func gallerySetup(w *world) {
	w.t.Helper()
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	w.must(typeImageDefinition, apiGallery, windowsDef, "gal", "win")
	w.must(typeImageDefinition, apiGallery, linuxDef, "gal", "lin")
	w.must(typeDisk, apiCompute, emptyDisk, "windisk")
	w.must(typeDisk, apiCompute, linuxDisk, "lindisk")
	w.must(typeManagedImage, apiCompute, managedImageBody("windisk", "Windows", "Generalized"), "winimg")
	w.must(typeManagedImage, apiCompute, managedImageBody("lindisk", "Linux", "Generalized"), "linimg")
}

// networkSetup makes a public IP "pip", NSG "nsg", VNet "vnet" with subnet
// "default" and NIC "nic", all in eastus.
func networkSetup(w *world) {
	w.t.Helper()
	w.must(typePublicIP, apiPIP, `{"location":"eastus","sku":{"name":"Standard"},
		"properties":{"publicIPAllocationMethod":"Static","dnsSettings":{"domainNameLabel":"mysigvm-demo01"}}}`, "pip")
	w.must(typeNSG, apiNetwork, `{"location":"eastus","properties":{"securityRules":[{"name":"ssh","properties":
		{"priority":1000,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"*",
		"sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"22"}}]}}`, "nsg")
	w.must(typeVNet, apiNetwork, fmt.Sprintf(`{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},
		"subnets":[{"name":"default","properties":{"addressPrefix":"10.0.0.0/24","networkSecurityGroup":{"id":%q}}}]}}`,
		resID(typeNSG, "nsg")), "vnet")
	w.must(typeNIC, apiNetwork, nicBody("eastus"), "nic")
}

func nicBody(loc string) string {
	return fmt.Sprintf(`{"location":%q,"properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{
		"privateIPAllocationMethod":"Dynamic","publicIPAddress":{"id":%q},"subnet":{"id":%q}}}]}}`,
		loc, resID(typePublicIP, "pip"), resID(typeSubnet, "vnet", "default"))
}

func vmBody(imageRef, user, password, computer string) string {
	return fmt.Sprintf(`{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_D2_v2"},
		"osProfile":{"computerName":%q,"adminUsername":%q,"adminPassword":%q},
		"storageProfile":{"imageReference":{"id":%q}},
		"networkProfile":{"networkInterfaces":[{"id":%q}]}}}`, computer, user, password, imageRef, resID(typeNIC, "nic"))
}

// ---- rule tables --------------------------------------------------------

// ruleCase is one refusal: a PUT (after setup) must fail with Azure's code
// and exact message.
type ruleCase struct {
	name   string
	setup  func(w *world)
	typ    string
	api    string
	names  []string
	body   string
	code   string
	msg    string
	target string // checked when set
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			if c.setup != nil {
				c.setup(w)
			}
			_, err := w.put(c.typ, c.api, c.body, c.names...)
			checkErr(t, err, c.code, c.msg, c.target)
		})
	}
}

func checkErr(t *testing.T, err error, code, msg, target string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("got %v, want %s: %s", err, code, msg)
	}
	if pe.Code != code {
		t.Errorf("code = %s, want %s (message %q)", pe.Code, code, pe.Message)
	}
	if pe.Message != msg {
		t.Errorf("message:\n got %q\nwant %q", pe.Message, msg)
	}
	if target != "" && pe.Target != target {
		t.Errorf("target = %q, want %q", pe.Target, target)
	}
}

// pretty renders a body for failure messages.
func pretty(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetIndent("", "  ")
	_ = e.Encode(v)
	return b.String()
}
