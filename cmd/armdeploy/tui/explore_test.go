package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

const subID = "00000000-0000-0000-0000-000000000001"

// fakeSource is an in-memory Source recording its calls.
type fakeSource struct {
	subs  []Subscription
	calls []string
	fail  error
}

func (f *fakeSource) Subscriptions(context.Context) ([]Subscription, error) {
	f.calls = append(f.calls, "subscriptions")
	return f.subs, nil
}

func (f *fakeSource) Groups(_ context.Context, subscription string) ([]Group, error) {
	f.calls = append(f.calls, "groups "+subscription)
	return []Group{{SubscriptionID: subscription, Name: "demo", Location: "eastus", Tags: map[string]string{"env": "dev", "owner": "ops"}},
		{SubscriptionID: subscription, Name: "other", Location: "westeurope"}}, nil
}

const versionBody = `{"id":"` + sub + `Microsoft.Compute/galleries/gallery1/images/ubuntu/versions/1.0.0","name":"1.0.0",` +
	`"type":"Microsoft.Compute/galleries/images/versions","location":"eastus","tags":{},` +
	`"properties":{"publishingProfile":{"replicaCount":1,"storageAccountType":"Standard_LRS",` +
	`"targetRegions":[{"name":"East US","regionalReplicaCount":1},{"name":"westeurope","regionalReplicaCount":2,"storageAccountType":"Standard_ZRS"},{"name":"North Europe"}],` +
	`"publishedDate":"2024-05-01T12:00:00Z"},"storageProfile":{"source":{"id":"/subscriptions/x/images/source"},"osDiskImage":{"sizeInGB":30,"hostCaching":"ReadWrite"}},` +
	`"replicationStatus":{"aggregatedState":"InProgress","summary":[{"region":"East US","state":"Completed","details":"","progress":100},` +
	`{"region":"West Europe","state":"Replicating","details":"","progress":40}]},"provisioningState":"Succeeded"}}`

func (f *fakeSource) Resources(_ context.Context, _, group string) ([]Resource, error) {
	f.calls = append(f.calls, "resources "+group)
	if f.fail != nil {
		return nil, f.fail
	}
	if group != "demo" {
		return nil, nil
	}
	return []Resource{
		{ID: sub + "Microsoft.Compute/galleries/gallery1", Type: "Microsoft.Compute/galleries", Name: "gallery1", Location: "eastus",
			Deployment: "pipeline", Updated: at(time.Minute), Body: json.RawMessage(`{"name":"gallery1","properties":{"description":"images","identifier":{"uniqueName":"x-gallery1"}}}`)},
		{ID: sub + "Microsoft.Compute/galleries/gallery1/images/ubuntu/versions/1.0.0", Type: imageVersionType, Name: "gallery1/ubuntu/1.0.0",
			Location: "eastus", Deployment: "pipeline", Updated: at(2 * time.Minute), Body: json.RawMessage(versionBody)},
		{ID: sub + "Microsoft.Network/virtualNetworks/vnet1", Type: "Microsoft.Network/virtualNetworks", Name: "vnet1", Location: "eastus"},
	}, nil
}

func (f *fakeSource) Deployments(_ context.Context, _, group string) ([]Deployment, error) {
	f.calls = append(f.calls, "deployments "+group)
	return []Deployment{
		{Name: "pipeline", Mode: "Incremental", Status: "Failed", Started: at(0), Finished: at(12 * time.Second),
			Error: json.RawMessage(`{"code":"DeploymentFailed","message":"At least one resource deployment operation failed.","details":[{"code":"InvalidAddressPrefix","message":"Address prefix 10.0.0.0/33 is not a valid CIDR."}]}`)},
		{Name: "sig", Mode: "Complete", Status: "Succeeded", Started: at(-time.Hour), Finished: at(-time.Hour + 3*time.Second),
			Outputs: json.RawMessage(`{"galleryId":{"type":"String","value":"/subscriptions/x/galleries/gallery1"},"regions":{"type":"Array","value":["eastus","westeurope"]}}`)},
	}, nil
}

func (f *fakeSource) Operations(_ context.Context, _, _, deployment string) ([]Operation, error) {
	f.calls = append(f.calls, "operations "+deployment)
	if deployment != "pipeline" {
		return nil, nil
	}
	return []Operation{
		{ResourceID: sub + "Microsoft.Compute/galleries/gallery1", ResourceType: "Microsoft.Compute/galleries", Operation: "Create",
			Status: "Succeeded", Started: at(0), Duration: 2 * time.Second},
		{ResourceID: sub + "Microsoft.Network/virtualNetworks/vnet1", ResourceType: "Microsoft.Network/virtualNetworks", Operation: "Create",
			Status: "Failed", Started: at(0), Duration: 1500 * time.Millisecond,
			Error: json.RawMessage(`{"code":"InvalidAddressPrefix","message":"Address prefix 10.0.0.0/33 of the virtual network vnet1 is not a valid CIDR: the prefix length must be between 0 and 32.","target":"properties.addressSpace.addressPrefixes[0]"}`)},
		{ResourceID: sub + "Microsoft.Network/networkInterfaces/nic1", ResourceType: "Microsoft.Network/networkInterfaces", Operation: "Create",
			Status: "Skipped"},
		{ResourceID: sub + "Microsoft.Compute/galleries/gallery1/images/ubuntu/versions/1.0.0", ResourceType: imageVersionType,
			Operation: "Create", Status: "Succeeded", Started: at(2 * time.Second), Duration: 9 * time.Second},
	}, nil
}

func newFake() *fakeSource {
	return &fakeSource{subs: []Subscription{{ID: subID, DisplayName: "Local", State: "Enabled"}}}
}

// newTestExplore starts an explorer on src and runs its first loads.
func newTestExplore(t *testing.T, src Source, w, h int) *exploreModel {
	t.Helper()
	m := newExploreModel(context.Background(), src, plain, Options{Width: w, Height: h})
	update(t, m, runCmd(m.Init())...)
	return m
}

func kinds(m *exploreModel) []screenKind {
	var out []screenKind
	for _, s := range m.stack {
		out = append(out, s.kind)
	}
	return out
}

func TestExploreNavigation(t *testing.T) {
	src := newFake()
	m := newTestExplore(t, src, 100, 40)
	// One subscription: its groups open straight away.
	if got := kinds(m); len(got) != 2 || got[1] != scrGroups || len(m.top().groups) != 2 {
		t.Fatalf("screens %v, groups %v", got, m.top().groups)
	}
	if got, want := strings.Join(src.calls, ", "), "subscriptions, groups "+subID; got != want {
		t.Errorf("calls %q, want %q", got, want)
	}
	update(t, m, keyMsgEnter)
	s := m.top()
	if s.kind != scrGroup || s.group != "demo" || len(s.resources) != 3 || len(s.deployments) != 2 {
		t.Fatalf("group screen: %+v", s)
	}
	// The image version, its replication and its body.
	update(t, m, keyMsgDown, keyMsgEnter)
	s = m.top()
	if s.kind != scrResource || s.res.Name != "gallery1/ubuntu/1.0.0" || s.tree == nil {
		t.Fatalf("resource screen: %+v", s)
	}
	v := m.View()
	for _, want := range []string{"replication InProgress", "East US", "2 replicas", "Standard_ZRS", "Replicating", " 40%", "North Europe", "Pending", `▾ "properties": {`, `▸ "publishingProfile": { … },  4 keys`} {
		if !strings.Contains(v, want) {
			t.Errorf("resource view lacks %q:\n%s", want, v)
		}
	}
	// Folding: G goes to the root's closing line, ↑ to the closing line of
	// "properties"; space folds it there, and again unfolds it.
	update(t, m, keyRune("G"), keyMsgUp)
	if n := m.current(s).node; n == nil || n.key != "properties" {
		t.Fatalf("cursor on %+v, want properties", m.current(s))
	}
	update(t, m, keyMsgSpace)
	if v := m.View(); !strings.Contains(v, `▸ "properties": { … }  4 keys`) {
		t.Errorf("properties did not fold:\n%s", v)
	}
	update(t, m, keyMsgSpace)
	if v := m.View(); !strings.Contains(v, `▸ "publishingProfile": {`) {
		t.Errorf("properties did not unfold:\n%s", v)
	}
	update(t, m, keyRune("e"))
	if v := m.View(); !strings.Contains(v, `▾ "publishingProfile": {`) {
		t.Errorf("e did not unfold everything:\n%s", v)
	}
	update(t, m, keyRune("c"))
	props := s.tree.kids[len(s.tree.kids)-1]
	if props.key != "properties" || props.open || !s.tree.open {
		t.Errorf("c: properties open %v, root open %v", props.open, s.tree.open)
	}
	// Back to the group, then the deployments tab and a deployment.
	update(t, m, keyMsgEsc, keyMsgTab, keyMsgEnter)
	s = m.top()
	if s.kind != scrDeployment || s.dep.Name != "pipeline" || len(s.ops) != 4 {
		t.Fatalf("deployment screen: %+v", s)
	}
	v = m.View()
	for _, want := range []string{"DeploymentFailed", "- InvalidAddressPrefix", "operations (4)", "vnet1", "1.5s", "InvalidAddressPrefix: Address prefix"} {
		if !strings.Contains(v, want) {
			t.Errorf("deployment view lacks %q:\n%s", want, v)
		}
	}
	update(t, m, keyMsgDown, keyMsgEnter)
	if !s.opOpen[1] || !strings.Contains(m.View(), "target  properties.addressSpace") {
		t.Errorf("enter on the failed operation shows no details:\n%s", m.View())
	}
	update(t, m, keyRune("h"), keyRune("h"), keyRune("h"))
	if got := kinds(m); len(got) != 1 || got[0] != scrSubs {
		t.Errorf("back thrice: %v", got)
	}
	update(t, m, keyRune("h"))
	if len(m.stack) != 1 {
		t.Errorf("back from the top pops it")
	}
	if msgs := update(t, m, keyRune("q")); len(msgs) != 1 || msgs[0] != (tea.QuitMsg{}) {
		t.Errorf("q: %v", msgs)
	}
}

func TestExploreSearch(t *testing.T) {
	m := newTestExplore(t, newFake(), 80, 24)
	update(t, m, keyMsgEnter)
	update(t, m, keyRune("/"))
	if !m.searching {
		t.Fatal("/ does not search")
	}
	update(t, m, keyRune("v"), keyRune("n"), keyRune("x"), tea.KeyMsg{Type: tea.KeyBackspace})
	if got := m.top().filter; got != "vn" {
		t.Errorf("filter %q, want vn", got)
	}
	sel := m.selectable(m.top())
	if len(sel) != 1 || m.top().resources[sel[0].ref].Name != "vnet1" {
		t.Errorf("filtered: %+v", sel)
	}
	update(t, m, keyMsgEnter)
	if m.searching || m.top().filter != "vn" {
		t.Errorf("enter keeps the filter: searching %v filter %q", m.searching, m.top().filter)
	}
	update(t, m, keyRune("/"), keyMsgEsc)
	if m.top().filter != "" || len(m.selectable(m.top())) != 3 {
		t.Errorf("esc clears the filter")
	}
	// In a body, search unfolds and jumps to the matches; n goes on.
	update(t, m, keyMsgDown, keyMsgEnter)
	s := m.top()
	update(t, m, keyRune("/"))
	for _, r := range "standard" {
		update(t, m, keyRune(string(r)))
	}
	update(t, m, keyMsgEnter)
	cur := m.current(s)
	if cur.node == nil || cur.node.key != "storageAccountType" || !strings.Contains(cur.node.text, "Standard_LRS") {
		t.Fatalf("first match: %+v", cur.node)
	}
	update(t, m, keyRune("n"))
	if cur := m.current(s); cur.node == nil || !strings.Contains(cur.node.text, "Standard_ZRS") {
		t.Errorf("next match: %+v", cur.node)
	}
	update(t, m, keyRune("n"))
	if cur := m.current(s); cur.node == nil || !strings.Contains(cur.node.text, "Standard_LRS") {
		t.Errorf("matches wrap around: %+v", cur.node)
	}
}

func TestExploreUpdateMisc(t *testing.T) {
	src := newFake()
	src.fail = errors.New("database is locked")
	m := newTestExplore(t, src, 80, 24)
	update(t, m, keyMsgEnter)
	if v := m.View(); !strings.Contains(v, "error: database is locked") {
		t.Errorf("a source error is not shown:\n%s", v)
	}
	src.fail = nil
	update(t, m, keyRune("r"))
	if s := m.top(); s.err != nil || len(s.resources) != 3 {
		t.Errorf("r did not reload: %v", s.err)
	}
	update(t, m, keyRune("?"))
	if !m.help || !strings.Contains(m.View(), "Keys") {
		t.Errorf("? shows no help")
	}
	update(t, m, keyRune("x"))
	if m.help {
		t.Errorf("a key does not close the help")
	}
	update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.width != 100 || m.height != 30 {
		t.Errorf("size %dx%d", m.width, m.height)
	}
	// Data for a screen that was left is dropped quietly.
	m.Update(groupMsg{id: 999})
	// Several subscriptions: the list stays.
	src = newFake()
	src.subs = append(src.subs, Subscription{ID: "00000000-0000-0000-0000-000000000002", DisplayName: "Other", State: "Disabled"})
	m = newTestExplore(t, src, 80, 24)
	if len(m.stack) != 1 || len(m.selectable(m.top())) != 2 {
		t.Errorf("two subscriptions: screens %v", kinds(m))
	}
}

func TestExploreView(t *testing.T) {
	steps := []struct {
		name string
		keys []tea.Msg
	}{
		{"groups", nil},
		{"resources", []tea.Msg{keyMsgEnter}},
		{"image-version", []tea.Msg{keyMsgEnter, keyMsgDown, keyMsgEnter}},
		{"json-unfolded", []tea.Msg{keyMsgEnter, keyRune("e"), keyMsgEnter}},
		{"deployments", []tea.Msg{keyMsgEnter, keyMsgTab}},
		{"operations", []tea.Msg{keyMsgEnter, keyMsgTab, keyMsgEnter, keyMsgDown, keyMsgEnter}},
		{"outputs", []tea.Msg{keyMsgEnter, keyMsgTab, keyMsgDown, keyMsgEnter}},
		{"search", []tea.Msg{keyMsgEnter, keyRune("/"), keyRune("g"), keyRune("a")}},
		{"help", []tea.Msg{keyRune("?")}},
	}
	for _, sz := range sizes {
		for _, st := range steps {
			t.Run(sz.name+"-"+st.name, func(t *testing.T) {
				m := newTestExplore(t, newFake(), sz.w, sz.h)
				update(t, m, st.keys...)
				snapshot(t, m.View(), sz.w, sz.h)
			})
		}
	}
}

// TestExploreTeatest walks to the image version in a real program.
func TestExploreTeatest(t *testing.T) {
	m := newExploreModel(context.Background(), newFake(), plain, Options{})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	wait := func(s string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("demo")
	tm.Send(keyMsgEnter)
	wait("Deployments 2")
	tm.Send(keyMsgDown)
	tm.Send(keyMsgEnter)
	wait("replication")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*exploreModel)
	if s := final.top(); s.kind != scrResource || s.res.Name != "gallery1/ubuntu/1.0.0" {
		t.Errorf("final screen %v", kinds(final))
	}
}

// TestExplore runs the public function: keys from a reader, quit with q.
func TestExplore(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Explore(ctx, strings.NewReader("q"), &out, newFake(), Options{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "armdeploy ui") {
		t.Errorf("nothing rendered:\n%s", out.String())
	}
}

func TestReplication(t *testing.T) {
	agg, reps := replication(json.RawMessage(versionBody))
	if agg != "InProgress" || len(reps) != 3 {
		t.Fatalf("%q %+v", agg, reps)
	}
	want := []replica{
		{region: "East US", count: 1, storage: "Standard_LRS", state: "Completed", progress: 100},
		{region: "westeurope", count: 2, storage: "Standard_ZRS", state: "Replicating", progress: 40},
		{region: "North Europe", count: 1, storage: "Standard_LRS"},
	}
	for i := range want {
		if reps[i] != want[i] {
			t.Errorf("replica %d = %+v, want %+v", i, reps[i], want[i])
		}
	}
	if _, reps := replication(json.RawMessage(`not json`)); reps != nil {
		t.Errorf("bad body: %+v", reps)
	}
}

func TestParseError(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "<nil>"},
		{`null`, "<nil>"},
		{`{"code":"A","message":"b"}`, "A: b"},
		{`{"error":{"code":"A","message":"b"}}`, "A: b"},
		{`"text"`, `"text"`},
		{`{}`, "<nil>"},
	} {
		e := parseError(json.RawMessage(c.in))
		got := "<nil>"
		if e != nil {
			got = e.String()
		}
		if got != c.want {
			t.Errorf("parseError(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestNameFromID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{sub + "Microsoft.Compute/galleries/g1/images/ubuntu/versions/1.0.0", "g1/ubuntu/1.0.0"},
		{"/subscriptions/x/resourceGroups/demo", "demo"},
	} {
		if got := nameFromID(c.in); got != c.want {
			t.Errorf("nameFromID(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestJSONTree(t *testing.T) {
	root, err := parseJSON([]byte(`{"b":1,"a":{"x":[1,{"y":null}],"e":{}},"s":"\u00e9\"q"}`), 1)
	if err != nil {
		t.Fatal(err)
	}
	text := func() string {
		var out []string
		for _, l := range root.lines(nil) {
			out = append(out, l.text())
		}
		return strings.Join(out, "\n")
	}
	if got, want := text(), "▾ {\n    \"b\": 1,\n  ▸ \"a\": { … },  2 keys\n    \"s\": \"é\\\"q\"\n  }"; got != want {
		t.Errorf("folded:\n%s\nwant:\n%s", got, want)
	}
	root.setOpen(true)
	want := `▾ {
    "b": 1,
  ▾ "a": {
    ▾ "x": [
        1,
      ▾ {
          "y": null
        }
      ],
      "e": {}
    },
    "s": "é\"q"
  }`
	if got := text(); got != want {
		t.Errorf("unfolded:\n%s\nwant:\n%s", got, want)
	}
	if _, err := parseJSON([]byte(`{"a":1} x`), 1); err == nil {
		t.Errorf("trailing data accepted")
	}
	if _, err := parseJSON([]byte(`{"a":`), 1); err == nil {
		t.Errorf("truncated JSON accepted")
	}
}
