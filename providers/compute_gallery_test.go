package providers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

const msgGalleryName = "Gallery name is invalid. Allowed characters are English alphanumeric characters, with underscores, and periods allowed in the middle, up to 80 characters total. All other special characters, including dashes, are disallowed."

func locationMsg(loc, typ string) string {
	return fmt.Sprintf("The provided location %s is not available for resource type '%s'. List of available regions for the resource type is '%s'.",
		loc, typ, strings.Join(regionNames(), ","))
}

// fill stores n resources of a type in a region directly, for quota tests.
func fill(w *world, typ, location string, n int, parent []string) {
	for i := range n {
		names := append(append([]string{}, parent...), fmt.Sprintf("q%d", i))
		if typeIs(typ, typeImageVersion) {
			names[len(names)-1] = fmt.Sprintf("0.0.%d", i)
		}
		id := resID(typ, names...)
		p, _ := state.ParseResourceID(id)
		w.store.put(&state.Resource{ID: id, SubscriptionID: testSub, ResourceGroup: testRG, Type: typ,
			Name: strings.Join(names, "/"), Location: location, Parent: p.Parent, Body: []byte(`{}`)})
	}
}

func TestGalleryRules(t *testing.T) {
	g := func(body string, names ...string) ruleCase {
		return ruleCase{typ: typeGallery, api: apiGallery, names: names, body: body}
	}
	cases := []ruleCase{}
	add := func(name string, c ruleCase, setup func(*world), code, msg, target string) {
		c.name, c.setup, c.code, c.msg, c.target = name, setup, code, msg, target
		cases = append(cases, c)
	}
	add("name with a dash", g(galleryBody, "my-gallery"), nil, "InvalidParameter", msgGalleryName, "galleryName")
	add("name of 81 characters", g(galleryBody, strings.Repeat("a", 81)), nil, "InvalidParameter", msgGalleryName, "")
	add("name starting with an underscore", g(galleryBody, "_gallery"), nil, "InvalidParameter", msgGalleryName, "")
	add("name with a space", g(galleryBody, "my gallery"), nil, "InvalidParameter", msgGalleryName, "")
	add("name ending with an underscore", g(galleryBody, "gallery_"), nil, "InvalidParameter",
		"The provided resource name gallery_ has these invalid trailing characters: _. The name can not end with characters: _", "")
	add("name ending with a period", g(galleryBody, "gallery."), nil, "InvalidParameter",
		"The provided resource name gallery. has these invalid trailing characters: .. The name can not end with characters: .", "")
	add("unknown location", g(`{"location":"mars","properties":{}}`, "gal"), nil,
		"LocationNotAvailableForResourceType", locationMsg("mars", typeGallery), "location")
	add("canary location, not allow-listed", g(`{"location":"eastus2euap","properties":{}}`, "gal"), nil,
		"LocationNotAvailableForResourceType", checkRegionAccess(context.Background(), nil, "", "eastus2euap", "").Message, "location")
	add("logical location", g(`{"location":"europe","properties":{}}`, "gal"), nil,
		"LocationNotAvailableForResourceType", locationMsg("europe", typeGallery), "")
	add("no location", g(`{"properties":{}}`, "gal"), nil,
		"LocationRequired", "The location property is required for this definition.", "location")
	add("same name in another location", g(`{"location":"westus2","properties":{}}`, "gal"),
		func(w *world) { w.must(typeGallery, apiGallery, galleryBody, "gal") }, "InvalidResourceLocation",
		"The resource gal already exists in location eastus in resource group rg. A resource with the same name cannot be created in location westus2. Please select a new resource name.", "location")
	add("missing resource group", g(galleryBody, "gal"),
		func(w *world) { w.store.groups = map[string]*state.ResourceGroup{} }, "ResourceGroupNotFound",
		"Resource group 'rg' could not be found.", "")
	add("unknown sharing permission", ruleCase{typ: typeGallery, api: "2021-10-01", names: []string{"gal"},
		body: `{"location":"eastus","properties":{"sharingProfile":{"permissions":"Public"}}}`}, nil,
		"InvalidParameter", "The value of parameter sharingProfile.permissions is invalid.", "gallery.properties.sharingProfile.permissions")
	add("sharing permission changed", ruleCase{typ: typeGallery, api: "2021-10-01", names: []string{"gal"},
		body: `{"location":"eastus","properties":{"sharingProfile":{"permissions":"Private"}}}`},
		func(w *world) {
			w.must(typeGallery, "2021-10-01", `{"location":"eastus","properties":{"sharingProfile":{"permissions":"Groups"}}}`, "gal")
		}, "PropertyChangeNotAllowed", "Changing property 'gallery.properties.sharingProfile.permissions' is not allowed.",
		"gallery.properties.sharingProfile.permissions")
	add("quota of 100 galleries per region", g(galleryBody, "gal"),
		func(w *world) { fill(w, typeGallery, "eastus", 100, nil) }, "QuotaExceeded",
		"Operation could not be completed as it results in exceeding approved quota: a subscription can have at most 100 galleries per region, and subscription '"+testSub+"' already has 100 in region 'eastus'.", "")
	runRules(t, cases)
}

func TestGalleryQuotaCountsOnlyItsRegion(t *testing.T) {
	w := newWorld(t)
	fill(w, typeGallery, "westus", 100, nil)
	fill(w, typeGallery, "eastus", 99, nil)
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	// now 100 in eastus: an update never counts
	w.must(typeGallery, apiGallery, `{"location":"eastus","properties":{"description":"changed"}}`, "gal")
}

func TestGalleryReadOnlyAndDefaults(t *testing.T) {
	w := newWorld(t)
	res := w.must(typeGallery, apiGallery, `{"location":"East US","tags":{"env":"test"},"properties":{"description":"My Private Gallery"},"comments":"x"}`, "myGallery")
	b := res.Body
	if got := strAt(b, "properties", "identifier", "uniqueName"); got != testSub+"-MYGALLERY" {
		t.Errorf("uniqueName = %q", got)
	}
	if strAt(b, "properties", "provisioningState") != "Succeeded" || strAt(b, "location") != "eastus" ||
		strAt(b, "type") != typeGallery || strAt(b, "name") != "myGallery" || strAt(b, "id") != resID(typeGallery, "myGallery") {
		t.Errorf("envelope:\n%s", pretty(b))
	}
	if has(b, "comments") || strAt(b, "tags", "env") != "test" {
		t.Errorf("template-only members kept or tags lost:\n%s", pretty(b))
	}
	ro := For(typeGallery).ReadOnly(apiGallery)
	if !listHas(ro, "properties.identifier.uniqueName") || !listHas(ro, "properties.provisioningState") {
		t.Errorf("ReadOnly = %v", ro)
	}
	if listHas(For(typeGallery).Immutable("2019-12-01"), "properties.sharingProfile.permissions") ||
		!listHas(For(typeGallery).Immutable("2021-10-01"), "properties.sharingProfile.permissions") {
		t.Errorf("Immutable per apiVersion wrong")
	}
}

func listHas(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestGalleryUpdates(t *testing.T) {
	w := newWorld(t)
	w.must(typeGallery, "2021-10-01", `{"location":"eastus","properties":{"description":"a","sharingProfile":{"permissions":"Groups"}}}`, "gal")
	// description and tags change; an omitted sharing profile is unchanged
	res := w.must(typeGallery, "2021-10-01", `{"location":"eastus","tags":{"a":"b"},"properties":{"description":"b"}}`, "gal")
	if strAt(res.Body, "properties", "description") != "b" || strAt(res.Body, "properties", "sharingProfile", "permissions") != "Groups" {
		t.Errorf("update:\n%s", pretty(res.Body))
	}
}

func TestGalleryDelete(t *testing.T) {
	w := newWorld(t)
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	if err := w.del(typeGallery, "gal"); err != nil {
		t.Fatalf("empty gallery: %v", err)
	}
	w.must(typeImageDefinition, apiGallery, windowsDef, "gal", "win")
	w.must(typeImageDefinition, apiGallery, linuxDef, "gal", "lin")
	checkErr(t, w.del(typeGallery, "gal"), "CannotDeleteResource",
		"Cannot delete resource while nested resources exist. Some existing nested resource IDs include: 'Microsoft.Compute/galleries/gal/images/lin, Microsoft.Compute/galleries/gal/images/win'. Please delete all nested resources before deleting this resource.", "")
}
