package arm

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuPerOp reports the process's CPU time (user + system, every thread)
// per operation as cpu-ms/op when the returned function runs: on a shared
// machine it varies far less than the wall time.
func cpuPerOp(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}

// template800 has 800 independent network security groups.
func template800() string {
	return `{` + rgSchema + `, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
	  "name": "[format('nsg-{0}', copyIndex())]", "location": "eastus", "properties": {"securityRules": []}, "copy": {"name": "c", "count": 800}}]}`
}

// BenchmarkCreateOrUpdate800 is the whole lifecycle of a deployment of
// 800 resources (preflight, lease, records, one commit per resource and
// per operation) into a new group each time.
func BenchmarkCreateOrUpdate800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", template800())
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range b.N {
		res, err := s.CreateOrUpdate(b.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: fmt.Sprintf("rg%d", i)},
			Location: "eastus", CreateGroup: true, Template: Template{File: file}})
		if err != nil || res.Status() != "Succeeded" {
			b.Fatal(err, res.Status())
		}
	}
}

// BenchmarkWhatIf800 is a what-if of 800 resources against a group that
// holds them unchanged.
func BenchmarkWhatIf800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", template800())
	req := func() *DeploymentRequest {
		return &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg"}, Location: "eastus", CreateGroup: true, Template: Template{File: file}}
	}
	if _, err := s.CreateOrUpdate(b.Context(), req()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	defer cpuPerOp(b)()
	for range b.N {
		if _, err := s.WhatIf(b.Context(), req()); err != nil {
			b.Fatal(err)
		}
	}
}

// templateExplicit is ../shared/perf/gen.py's big-explicit.json: n storage
// accounts and n blob containers written out, each container depending on
// its account through resourceId().
func templateExplicit(n int) string { return templateExplicitNamed(n, "st") }

// templateExplicitNamed is templateExplicit with the accounts' names
// starting with prefix.
func templateExplicitNamed(n int, prefix string) string {
	var b strings.Builder
	b.WriteString(`{` + rgSchema + `, "parameters": {"env": {"type": "string", "defaultValue": "perf"}}, "resources": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01",
		  "name": "[concat('%[2]s', uniqueString(resourceGroup().id, '%[1]d'))]", "location": "[resourceGroup().location]",
		  "sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "tags": {"index": "[string(%[1]d)]", "env": "[parameters('env')]"},
		  "properties": {"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true}},
		 {"type": "Microsoft.Storage/storageAccounts/blobServices/containers", "apiVersion": "2022-09-01",
		  "name": "[concat('%[2]s', uniqueString(resourceGroup().id, '%[1]d'), '/default/data%[1]d')]",
		  "dependsOn": ["[resourceId('Microsoft.Storage/storageAccounts', concat('%[2]s', uniqueString(resourceGroup().id, '%[1]d')))]"],
		  "properties": {"publicAccess": "None", "metadata": {"owner": "[toUpper(parameters('env'))]"}}}`, i, prefix)
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkWhatIfExplicit800 is a what-if of the written-out 800 (400
// accounts, 400 dependent containers) into an empty group, as perf/ratios.sh
// measures it through the CLI.
func BenchmarkWhatIfExplicit800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", templateExplicit(400))
	b.ResetTimer()
	defer cpuPerOp(b)()
	for range b.N {
		res, err := s.WhatIf(b.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg"}, Location: "eastus", CreateGroup: true, Template: Template{File: file}})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(res.Result.Properties.Changes); n != 800 {
			b.Fatalf("%d changes, want 800", n)
		}
	}
}

// BenchmarkWhatIfExplicit800Deployed is the same what-if against a group
// that already holds the 800 (all NoChange).
func BenchmarkWhatIfExplicit800Deployed(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", templateExplicit(400))
	req := func() *DeploymentRequest {
		return &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg"}, Location: "eastus", CreateGroup: true, Template: Template{File: file}}
	}
	if res, err := s.CreateOrUpdate(b.Context(), req()); err != nil || res.Status() != "Succeeded" {
		b.Fatal(err)
	}
	b.ResetTimer()
	defer cpuPerOp(b)()
	for range b.N {
		if _, err := s.WhatIf(b.Context(), req()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateOrUpdateExplicit800 deploys the written-out 800 (400
// accounts, 400 dependent containers) into a new group each time, as
// perf/ratios.sh's "deploy 800" does through the CLI.
func BenchmarkCreateOrUpdateExplicit800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", templateExplicit(400))
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range b.N {
		res, err := s.CreateOrUpdate(b.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: fmt.Sprintf("rg%d", i)},
			Location: "eastus", CreateGroup: true, Template: Template{File: file}})
		if err != nil || res.Status() != "Succeeded" {
			b.Fatal(err, res.Status())
		}
	}
}

// templateNested has k inline inner-scope deployments of the written-out
// 800 each (perf/ratios.sh's 10 × 800).
func templateNested(k, n int) string {
	var b strings.Builder
	b.WriteString(`{` + rgSchema + `, "resources": [`)
	for j := range k {
		if j > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "part%d",
		  "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"}, "template": %s}}`, j, templateExplicitNamed(n, fmt.Sprintf("s%d", j)))
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkCreateOrUpdateNested10x800 deploys ten nested deployments of
// the written-out 800 into a new group each time, as perf/ratios.sh's
// "deploy nested" does through the CLI.
func BenchmarkCreateOrUpdateNested10x800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", templateNested(10, 400))
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range b.N {
		res, err := s.CreateOrUpdate(b.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: fmt.Sprintf("rg%d", i)},
			Location: "eastus", CreateGroup: true, Template: Template{File: file}})
		if err != nil || res.Status() != "Succeeded" {
			b.Fatal(err, res.Status())
		}
	}
}

// templateVersions is batch's n image versions (batch.0.0 … batch.(n-1).0)
// of the seed's definition, from the seed's managed image, in eastus.
func templateVersions(batch, n int) string {
	return fmt.Sprintf(`{`+rgSchema+`, "resources": [{"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "%s",
	  "name": "[format('gal/win/%d.{0}.0', copyIndex())]", "location": "eastus", "copy": {"name": "v", "count": %d},
	  "properties": {"publishingProfile": {"targetRegions": [{"name": "eastus"}]}, "storageProfile": {"source": {"id": "%s"}}}}]}`,
		apiCompute, batch, n, seedImageID)
}

// BenchmarkImageVersions10k creates the seed's limit of 10,000 image
// versions in one subscription and region by deployments of 800 (the
// template limit) into one group that already holds the gallery, the
// definition and the managed image; the last deployment runs against
// 9,600 stored versions. Run it with -benchtime=1x.
func BenchmarkImageVersions10k(b *testing.B) {
	defer cpuPerOp(b)()
	for range b.N {
		b.StopTimer()
		s, dir := newService(b)
		ctx := b.Context()
		if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: "rga", Location: "eastus"}); err != nil {
			b.Fatal(err)
		}
		for _, p := range []struct{ id, body string }{
			{galID, `{"location":"eastus","properties":{}}`},
			{defID, `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`},
			{seedDiskID, `{"location":"eastus","properties":{"osType":"Linux","creationData":{"createOption":"Empty"},"diskSizeGB":30}}`},
			{seedImageID, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"` + seedDiskID + `"}}}}}`},
		} {
			if _, err := s.PutResource(ctx, "", p.id, apiCompute, []byte(p.body)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		for batch, left := 0, 10000; left > 0; batch++ {
			n := min(left, 800)
			left -= n
			file := writeFile(b, dir, fmt.Sprintf("v%d.json", batch), templateVersions(batch, n))
			res, err := s.CreateOrUpdate(ctx, &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rga"},
				Name: fmt.Sprintf("versions%d", batch), Location: "eastus", Template: Template{File: file}})
			if err != nil || res.Status() != "Succeeded" {
				b.Fatal(batch, err, res.Status())
			}
		}
	}
}
