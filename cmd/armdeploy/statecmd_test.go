package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

// The group, resource, deployment and state commands are tested with
// transcripts: a sequence of commands run in-process against one store,
// their exit codes and output written one after the other and compared
// with testdata/statecmd/<test>.golden (rewritten with -update).

// cliStep is one command of a transcript; stdin is what it reads.
type cliStep struct {
	args  string // split on blanks; quote nothing
	stdin string
}

// storeDir makes a temporary working folder with its own store and
// returns the store's path.
func storeDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	path := filepath.Join(dir, ".armdeploy", "state.db")
	t.Setenv("ARMDEPLOY_STATE", path)
	t.Setenv("NO_COLOR", "1")
	return path
}

func runWithInput(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &IOStreams{In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Now:    func() time.Time { return time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) },
		Random: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 1<<16))})
	return code, out.String(), errb.String()
}

// transcript runs the steps and returns what they printed.
func transcript(t *testing.T, steps []cliStep) string {
	t.Helper()
	var b strings.Builder
	for _, s := range steps {
		args := strings.Fields(s.args)
		code, stdout, stderr := runWithInput(t, s.stdin, args...)
		fmt.Fprintf(&b, "$ armdeploy %s\n", s.args)
		if s.stdin != "" {
			fmt.Fprintf(&b, "< %q\n", s.stdin)
		}
		b.WriteString(stdout)
		if stderr != "" {
			for _, line := range strings.SplitAfter(stderr, "\n") {
				if line != "" {
					b.WriteString("stderr: " + line)
				}
			}
			if !strings.HasSuffix(stderr, "\n") {
				b.WriteString("\n")
			}
		}
		fmt.Fprintf(&b, "[exit %d]\n\n", code)
	}
	return b.String()
}

// golden compares got with testdata/statecmd/<test name>.golden.
func golden(t *testing.T, got string) {
	t.Helper()
	path := filepath.Join(testdataDir(t), "statecmd", strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s", path, got)
	}
}

// testdataDir is this package's testdata folder; tests chdir away from it.
var testdataPath string

func testdataDir(t *testing.T) string {
	t.Helper()
	if testdataPath == "" {
		t.Fatal("testdataPath not set")
	}
	return testdataPath
}

func init() {
	if wd, err := os.Getwd(); err == nil {
		testdataPath = filepath.Join(wd, "testdata")
	}
}

const (
	sub0 = arm.DefaultSubscription
	subB = "11111111-2222-3333-4444-555555555555"
)

var (
	t1 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	t2 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
)

func rgID(sub, rg string) string { return "/subscriptions/" + sub + "/resourceGroups/" + rg }

// seed opens the store at path and runs fill on it.
func seed(t *testing.T, path string, fill func(st *state.SQLiteStore)) {
	t.Helper()
	st, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fill(st)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func putGallery(t *testing.T, st state.Store, sub, rg, name string) {
	t.Helper()
	id := rgID(sub, rg) + "/providers/Microsoft.Compute/galleries/" + name
	body := fmt.Sprintf(`{"id":%q,"name":%q,"type":"Microsoft.Compute/galleries","location":"eastus",`+
		`"properties":{"provisioningState":"Succeeded","identifier":{"uniqueName":"%s-%s"}}}`, id, name, sub, strings.ToUpper(name))
	must(t, st.PutResource(t.Context(), &state.Resource{ID: id, Location: "eastus", Body: json.RawMessage(body),
		APIVersion: "2024-03-03", Deployment: "dep1", ETag: `W/"1"`, Created: t1, Updated: t1}))
}

func putImage(t *testing.T, st state.Store, sub, rg, gallery, name string) {
	t.Helper()
	id := rgID(sub, rg) + "/providers/Microsoft.Compute/galleries/" + gallery + "/images/" + name
	body := fmt.Sprintf(`{"id":%q,"name":%q,"type":"Microsoft.Compute/galleries/images","location":"eastus",`+
		`"properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":%q}}}`,
		id, name, name)
	must(t, st.PutResource(t.Context(), &state.Resource{ID: id, Location: "eastus", Body: json.RawMessage(body),
		Created: t1, Updated: t1}))
}

func TestGroupCommands(t *testing.T) {
	storeDir(t)
	golden(t, transcript(t, []cliStep{
		{args: "group list"},
		{args: "group list -o json"},
		{args: "group create -n Demo -l East US"}, // "US" is an extra argument without --tags
		{args: "group create -n Demo -l eastus --tags env=dev owner=platform"},
		{args: "group create -n demo -l eastus -o json --tags env=prod"},
		{args: "group create -n demo -l westus"},
		{args: "group create -n bad/name! -l eastus"},
		{args: "group create -n zeta -l westeurope"},
		{args: "group create -n alpha -l eastus --subscription " + subB},
		{args: "group create -n other -l eastus"},
		{args: "group list"},
		{args: "group list -o json --subscription " + subB},
		{args: "group show -n DEMO -o json"},
		{args: "group show -n nope"},
		{args: "group show"},
		{args: "group show -n demo -o yaml"},
		{args: "group delete -n nope --yes"},
		{args: "group delete -n demo", stdin: "n\n"},
		{args: "group delete -n demo", stdin: "y\n"},
		{args: "group delete -n zeta --yes"},
		{args: "group list"},
	}))
}

func TestResourceCommands(t *testing.T) {
	path := storeDir(t)
	seed(t, path, func(st *state.SQLiteStore) {
		for _, g := range []*state.ResourceGroup{{SubscriptionID: sub0, Name: "demo", Location: "eastus"},
			{SubscriptionID: sub0, Name: "empty", Location: "eastus"}, {SubscriptionID: subB, Name: "demo", Location: "westus"}} {
			must(t, st.PutGroup(t.Context(), g))
		}
		putGallery(t, st, sub0, "demo", "gallery2")
		putGallery(t, st, sub0, "demo", "Gallery1")
		putImage(t, st, sub0, "demo", "Gallery1", "linux")
		putGallery(t, st, subB, "demo", "elsewhere")
		// A resource stored without a body.
		must(t, st.PutResource(t.Context(), &state.Resource{ID: rgID(sub0, "demo") + "/providers/Contoso.Widgets/widgets/w1",
			Location: "eastus", Created: t1, Updated: t1}))
	})
	gal1 := rgID(sub0, "demo") + "/providers/Microsoft.Compute/galleries/Gallery1"
	golden(t, transcript(t, []cliStep{
		{args: "resource list"},
		{args: "resource list -g demo --resource-type microsoft.compute/galleries"},
		{args: "resource list -g empty -o json"},
		{args: "resource list -g nope"},
		{args: "resource list --all-subscriptions --resource-type Microsoft.Compute/galleries -o json"},
		{args: "resource show --ids " + gal1},
		{args: "resource show --ids " + strings.ToLower(gal1) + " -o json"},
		{args: "resource show --ids " + gal1 + " " + gal1 + "/images/linux -o json"},
		{args: "resource show -g demo --resource-type Microsoft.Compute/galleries/images -n Gallery1/linux -o json"},
		{args: "resource show -g demo --resource-type Contoso.Widgets/widgets -n w1 -o json"},
		{args: "resource show -g demo --resource-type Microsoft.Compute/galleries/images -n Gallery1/windows"},
		{args: "resource show --ids " + rgID(sub0, "nope") + "/providers/Microsoft.Compute/galleries/g"},
		{args: "resource show -g demo --resource-type Microsoft.Compute/galleries/images -n linux"},
		{args: "resource show --ids not/an/id"},
		{args: "resource show"},
		{args: "resource show --ids " + gal1 + " -g demo"},
	}))
}

// seedDeployments stores a group with three deployments: a succeeded one
// with outputs, a failed one with a failed operation, a running one.
func seedDeployments(t *testing.T, path string) {
	seed(t, path, func(st *state.SQLiteStore) {
		ctx := t.Context()
		must(t, st.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: sub0, Name: "demo", Location: "eastus"}))
		gal := rgID(sub0, "demo") + "/providers/Microsoft.Compute/galleries/gallery1"
		must(t, st.PutDeployment(ctx, &state.Deployment{SubscriptionID: sub0, ResourceGroup: "demo", Name: "sig-create",
			TemplateHash: "1234567890", Mode: "Incremental", Status: "Succeeded",
			Parameters:      json.RawMessage(`{"galleryName":{"type":"String","value":"gallery1"}}`),
			Outputs:         json.RawMessage(`{"galleryId":{"type":"String","value":"` + gal + `"}}`),
			OutputResources: []string{gal}, CorrelationID: "c0ffee00-0000-0000-0000-000000000001",
			Started: t1, Finished: t1.Add(75*time.Second + 500*time.Millisecond)}))
		must(t, st.PutOperation(ctx, &state.Operation{SubscriptionID: sub0, ResourceGroup: "demo", Deployment: "sig-create",
			Sequence: 1, OperationID: "A1B2C3D4E5F60001", ResourceID: gal, ResourceType: "Microsoft.Compute/galleries",
			ProvisioningOperation: "Create", Status: "Succeeded", Started: t1.Add(time.Second), Duration: 1500 * time.Millisecond}))
		must(t, st.PutDeployment(ctx, &state.Deployment{SubscriptionID: sub0, ResourceGroup: "demo", Name: "broken",
			Mode: "Complete", Status: "Failed",
			Error: json.RawMessage(`{"code":"DeploymentFailed","message":"At least one resource deployment operation failed.",` +
				`"details":[{"code":"PropertyChangeNotAllowed","message":"Changing property 'osType' is not allowed."}]}`),
			Started: t2, Finished: t2.Add(2 * time.Second)}))
		must(t, st.PutOperation(ctx, &state.Operation{SubscriptionID: sub0, ResourceGroup: "demo", Deployment: "broken",
			Sequence: 1, OperationID: "A1B2C3D4E5F60002", ResourceID: gal + "/images/linux",
			ResourceType: "Microsoft.Compute/galleries/images", ProvisioningOperation: "Update", Status: "Failed",
			Started: t2, Duration: 250 * time.Millisecond,
			Error: json.RawMessage(`{"code":"PropertyChangeNotAllowed","message":"Changing property 'osType' is not allowed.","target":"osType"}`)}))
		must(t, st.PutOperation(ctx, &state.Operation{SubscriptionID: sub0, ResourceGroup: "demo", Deployment: "broken",
			Sequence: 2, OperationID: "A1B2C3D4E5F60003", ResourceID: gal + "/images/linux/versions/1.0.0",
			ResourceType: "Microsoft.Compute/galleries/images/versions", ProvisioningOperation: "Create", Status: "Skipped",
			Started: t2}))
		must(t, st.PutDeployment(ctx, &state.Deployment{SubscriptionID: sub0, ResourceGroup: "demo", Name: "running",
			Mode: "Incremental", Status: "Running",
			Started: time.Date(2026, 11, 26, 7, 58, 30, 0, time.UTC)}))
	})
}

// holdRunning takes the lease of the seeded "running" deployment as its
// process would: this test process, alive, holds it until the test ends.
// (Without a live holder the next command records it Failed.)
func holdRunning(t *testing.T, path string) {
	t.Helper()
	st, err := state.Open(path)
	must(t, err)
	host, _ := os.Hostname()
	release, err := st.AcquireLease(t.Context(), state.Lease{Scope: strings.ToLower(rgID(sub0, "demo")), Holder: "running",
		PID: os.Getpid(), Host: host, Started: time.Date(2026, 11, 26, 7, 58, 30, 0, time.UTC)}, 0)
	must(t, err)
	t.Cleanup(func() { release(); st.Close() })
}

func TestDeploymentCommands(t *testing.T) {
	// The seeded "running" deployment has no live process: the first
	// command records it Failed (DeploymentInterrupted).
	seedDeployments(t, storeDir(t))
	golden(t, transcript(t, []cliStep{
		{args: "deployment list -g demo"},
		{args: "deployment list -g demo -o json"},
		{args: "deployment show -g DEMO -n SIG-CREATE -o json"},
		{args: "deployment show -g demo -n broken"},
		{args: "deployment operations -g demo -n broken"},
		{args: "deployment operations -g demo -n broken -o json"},
		{args: "deployment operations -g demo -n sig-create -o json"},
		{args: "deployment show -g demo -n nope"},
		{args: "deployment operations -g demo -n nope"},
		{args: "deployment list -g nope"},
		{args: "deployment list"},
		{args: "deployment show -g demo"},
		{args: "deployment delete -g demo -n broken"},
		{args: "deployment delete -g demo -n broken"},
		{args: "deployment operations -g demo -n broken"},
		{args: "deployment delete -g demo -n running"}, // its process is gone: no one holds the group
		{args: "deployment list -g demo"},
	}))
}

// A deployment that is running holds its group: deleting the group or the
// running deployment's record fails naming it; reads go on.
func TestCommandsWhileGroupLeased(t *testing.T) {
	path := storeDir(t)
	seedDeployments(t, path)
	holdRunning(t, path)
	host, _ := os.Hostname()
	got := transcript(t, []cliStep{
		{args: "group delete -n demo --yes"},
		{args: "deployment delete -g demo -n running"},
		{args: "deployment delete -g demo -n broken"},
		{args: "deployment list -g demo"},
		{args: "group show -n demo"},
	})
	golden(t, strings.ReplaceAll(got, fmt.Sprintf("process %d on %s,", os.Getpid(), host), "process PID on HOST,"))
}

func TestStateExportImport(t *testing.T) {
	path := storeDir(t)
	seedDeployments(t, path)
	seed(t, path, func(st *state.SQLiteStore) {
		putGallery(t, st, sub0, "demo", "gallery1")
		putImage(t, st, sub0, "demo", "gallery1", "linux")
		must(t, st.PutRoleAssignment(t.Context(), &state.RoleAssignment{
			ID:          rgID(sub0, "demo") + "/providers/Microsoft.Authorization/roleAssignments/a1",
			PrincipalID: "p1", RoleDefinitionID: "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
			Created: t1}))
	})
	code, first, stderr := runCLI(t, "state", "export")
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	must(t, os.WriteFile("export.json", []byte(first), 0o644))
	code, out, stderr := runCLI(t, "state", "import", "export.json", "--state", "copy/state.db")
	if code != 0 || stderr != "" {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if want := "Imported 1 resource group, 2 resources, 3 deployments and 1 role assignment into copy/state.db.\n"; out != want {
		t.Errorf("import said %q, want %q", out, want)
	}
	code, second, stderr := runCLI(t, "state", "export", "--state", "copy/state.db")
	if code != 0 {
		t.Fatalf("export of the copy: exit %d: %s", code, stderr)
	}
	if first != second {
		t.Errorf("export → import → export differs:\n--- first\n%s\n--- second\n%s", first, second)
	}
	// The copy answers like the original.
	_, a, _ := runCLI(t, "deployment", "operations", "-g", "demo", "-n", "broken", "-o", "json")
	_, b, _ := runCLI(t, "deployment", "operations", "-g", "demo", "-n", "broken", "-o", "json", "--state", "copy/state.db")
	if a != b || a == "" {
		t.Errorf("operations differ after import:\n%s\n---\n%s", a, b)
	}
	golden(t, transcript(t, []cliStep{
		{args: "state import export.json"},
		{args: "state import missing.json --state new.db"},
		{args: "state import"},
		{args: "state export --state nothing-here.db"},
		{args: "state import -", stdin: `{"version": 7, "resources": []}`},
		{args: "state import -", stdin: `{"resources": []}`},
		{args: "state import - --state fresh.db", stdin: `{"version": 1, "resourceGroups": [{"subscriptionId": "s", "name": "rg", "location": "eastus"}]}`},
		{args: "group list --subscription s --state fresh.db"},
	}))
}

func TestReadCommandsDoNotCreateTheStore(t *testing.T) {
	path := storeDir(t)
	for _, args := range [][]string{{"group", "list"}, {"group", "show", "-n", "x"}, {"resource", "list"},
		{"deployment", "list", "-g", "x"}} {
		runCLI(t, args...)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a read-only command created the store: %v", err)
	}
	if code, _, _ := runCLI(t, "group", "create", "-n", "x", "-l", "eastus"); code != 0 {
		t.Fatal("group create failed")
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("group create did not create the store: %v", err)
	}
}

func TestStateFlagWins(t *testing.T) {
	storeDir(t)
	if code, _, stderr := runCLI(t, "group", "create", "-n", "x", "-l", "eastus", "--state", "flag.db"); code != 0 {
		t.Fatal(stderr)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"group", "list"}, ""},
		{[]string{"group", "list", "--state", "flag.db"}, "x"},
	} {
		_, out, _ := runCLI(t, tc.args...)
		if got := strings.Contains(out, "eastus"); got != (tc.want != "") {
			t.Errorf("%v: %q", tc.args, out)
		}
	}
}

func TestPrintTable(t *testing.T) {
	var b bytes.Buffer
	must(t, printTable(&b, []string{"Name", "Location", "Tags"}, [][]string{{"a", "eastus", ""}, {"longer-name", "é", "x=1"}}))
	want := "Name         Location  Tags\n" +
		"-----------  --------  ----\n" +
		"a            eastus\n" +
		"longer-name  é         x=1\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	must(t, printTable(&b, []string{"Name"}, nil))
	if b.Len() != 0 {
		t.Errorf("an empty table printed %q", b.String())
	}
}
