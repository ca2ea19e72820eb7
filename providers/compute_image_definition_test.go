package providers

import (
	"fmt"
	"strings"
	"testing"
)

func defBody(props string) string {
	return `{"location":"eastus","properties":` + props + `}`
}

func identifierMsg(field string, max int) string {
	return fmt.Sprintf("Asset name galleryImage.properties.identifier.%s is not valid. It cannot be empty. Allowed characters are uppercase or lowercase letters, digits, hyphen(-), period (.), underscore (_). Names are not allowed to end with period(.). The length of the name cannot exceed %d characters.", field, max)
}

func TestImageDefinitionRules(t *testing.T) {
	withGallery := func(w *world) { w.must(typeGallery, apiGallery, galleryBody, "gal") }
	withWin := func(w *world) {
		withGallery(w)
		w.must(typeImageDefinition, apiGallery, windowsDef, "gal", "win")
	}
	d := func(props string, names ...string) ruleCase {
		if len(names) == 0 {
			names = []string{"gal", "def"}
		}
		return ruleCase{typ: typeImageDefinition, api: apiGallery, names: names, body: defBody(props), setup: withGallery}
	}
	const ok = `{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}`
	var cases []ruleCase
	add := func(name string, c ruleCase, code, msg, target string) {
		c.name, c.code, c.msg, c.target = name, code, msg, target
		cases = append(cases, c)
	}
	withSetup := func(c ruleCase, s func(*world)) ruleCase { c.setup = s; return c }

	add("name starting with a dash", d(ok+"}", "gal", "-def"), "InvalidParameter",
		`The entity name -def is invalid according to its validation rule: ^[^_\W][\w-._]{0,79}(?<![-.])$`, "galleryImageName")
	add("name with a slash-like character", d(ok+"}", "gal", "de+f"), "InvalidParameter",
		`The entity name de+f is invalid according to its validation rule: ^[^_\W][\w-._]{0,79}(?<![-.])$`, "")
	add("name of 81 characters", d(ok+"}", "gal", strings.Repeat("d", 81)), "InvalidParameter",
		`The entity name `+strings.Repeat("d", 81)+` is invalid according to its validation rule: ^[^_\W][\w-._]{0,79}(?<![-.])$`, "")
	add("name ending with a period", d(ok+"}", "gal", "def."), "InvalidParameter",
		"The provided resource name gal/def. has these invalid trailing characters: .. The name can not end with characters: .", "")
	add("name ending with a dash", d(ok+"}", "gal", "def-"), "InvalidParameter",
		"The provided resource name gal/def- has these invalid trailing characters: -. The name can not end with characters: -", "")
	add("gallery missing", withSetup(d(ok+"}", "nogal", "def"), nil), "ParentResourceNotFound",
		"Can not perform requested operation on nested resource. Parent resource nogal not found.", "")
	add("osType missing", d(`{"osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}`), "InvalidParameter",
		"Required parameter 'osType' is missing (null).", "galleryImage.properties.osType")
	add("osState missing", d(`{"osType":"Linux","identifier":{"publisher":"p","offer":"o","sku":"s"}}`), "InvalidParameter",
		"Required parameter 'osState' is missing (null).", "galleryImage.properties.osState")
	add("identifier missing", d(`{"osType":"Linux","osState":"Generalized"}`), "InvalidParameter", identifierMsg("publisher", 128), "")
	add("offer empty", d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"","sku":"s"}}`),
		"InvalidParameter", identifierMsg("offer", 64), "galleryImage.properties.identifier.offer")
	add("publisher of 129 characters", d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"`+strings.Repeat("p", 129)+`","offer":"o","sku":"s"}}`),
		"InvalidParameter", identifierMsg("publisher", 128), "")
	add("offer of 65 characters", d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"`+strings.Repeat("o", 65)+`","sku":"s"}}`),
		"InvalidParameter", identifierMsg("offer", 64), "")
	add("sku ending with a period", d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s."}}`),
		"InvalidParameter", identifierMsg("sku", 64), "")
	add("sku with a space", d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"my sku"}}`),
		"InvalidParameter", identifierMsg("sku", 64), "")
	add("osType outside the enum", d(`{"osType":"Ubuntu","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}`),
		"InvalidParameter", "The value of parameter osType is invalid.", "galleryImage.properties.osType")
	add("osState outside the enum", d(`{"osType":"Linux","osState":"Sysprepped","identifier":{"publisher":"p","offer":"o","sku":"s"}}`),
		"InvalidParameter", "The value of parameter osState is invalid.", "")
	add("hyperVGeneration V3", d(ok+`,"hyperVGeneration":"V3"}`), "InvalidParameter", "The value of parameter hyperVGeneration is invalid.", "")
	add("recommended vCPUs not a number", d(ok+`,"recommended":{"vCPUs":{"min":"one","max":"64"}}}`), "InvalidParameter",
		"Could not convert string to integer: one. Path 'properties.recommended.vCPUs.min'.", "")
	add("recommended memory beyond int32", d(ok+`,"recommended":{"memory":{"min":1,"max":3000000000}}}`), "InvalidParameter",
		"Could not convert string to integer: 3000000000. Path 'properties.recommended.memory.max'.", "")
	add("unknown location", d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}`), "", "", "")
	cases[len(cases)-1].body = `{"location":"atlantis","properties":` + ok + `}}`
	cases[len(cases)-1].code, cases[len(cases)-1].msg = "LocationNotAvailableForResourceType", locationMsg("atlantis", typeImageDefinition)
	add("publisher, offer and sku taken", withSetup(d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}`), withWin),
		"InvalidParameter", "Gallery image: win identified by (publisher:myPublisher, offer:myOffer, sku:mySku) already exists. Choose a different publisher, offer, sku combination.",
		"galleryImage.properties.identifier")
	add("publisher, offer and sku taken in another case", withSetup(d(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"MYPUBLISHER","offer":"myoffer","sku":"MySku"}}`), withWin),
		"InvalidParameter", "Gallery image: win identified by (publisher:MYPUBLISHER, offer:myoffer, sku:MySku) already exists. Choose a different publisher, offer, sku combination.", "")
	add("end of life in the past", d(ok+`,"endOfLifeDate":"2020-01-01"}`), "InvalidParameter",
		"EndOfLifeDate must be set to a future date.", "galleryImage.properties.endOfLifeDate")
	add("end of life now", d(ok+`,"endOfLifeDate":"2025-06-01T12:00:00Z"}`), "InvalidParameter", "EndOfLifeDate must be set to a future date.", "")
	add("end of life unparsable", d(ok+`,"endOfLifeDate":"someday"}`), "InvalidParameter",
		"Could not convert string to DateTimeOffset: someday. Path 'properties.endOfLifeDate'.", "")
	add("vCPUs min above max", d(ok+`,"recommended":{"vCPUs":{"min":"65","max":"64"}}}`), "InvalidParameter",
		"The minimum value of vCPUs must not be greater than the maximum value of vCPUs.", "galleryImage.properties.recommended.vCPUs")
	add("memory min above max", d(ok+`,"recommended":{"memory":{"min":4096,"max":2048}}}`), "InvalidParameter",
		"The minimum value of memory must not be greater than the maximum value of memory.", "")
	// updates (the stored definition is "win")
	upd := func(props string) ruleCase {
		return ruleCase{typ: typeImageDefinition, api: apiGallery, names: []string{"gal", "win"}, body: defBody(props), setup: withWin}
	}
	add("osType changed", upd(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}`),
		"PropertyChangeNotAllowed", "Changing property 'galleryImage.properties.osType' is not allowed.", "galleryImage.properties.osType")
	add("osState changed", upd(`{"osType":"Windows","osState":"Specialized","identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}`),
		"PropertyChangeNotAllowed", "Changing property 'galleryImage.properties.osState' is not allowed.", "")
	add("hyperVGeneration changed", upd(`{"osType":"Windows","osState":"Generalized","hyperVGeneration":"V2","identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}`),
		"PropertyChangeNotAllowed", "Changing property 'galleryImage.properties.hyperVGeneration' is not allowed.", "")
	add("offer changed", upd(`{"osType":"Windows","osState":"Generalized","identifier":{"publisher":"myPublisher","offer":"other","sku":"mySku"}}`),
		"PropertyChangeNotAllowed", "Changing property 'galleryImage.properties.identifier.offer' is not allowed.", "galleryImage.properties.identifier.offer")
	add("eula added", upd(`{"osType":"Windows","osState":"Generalized","eula":"https://contoso.com/eula","identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}`),
		"PropertyChangeNotAllowed", "Changing property 'galleryImage.properties.eula' is not allowed.", "")
	add("purchase plan added", upd(`{"osType":"Windows","osState":"Generalized","purchasePlan":{"name":"p"},"identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"}}`),
		"PropertyChangeNotAllowed", "Changing property 'galleryImage.properties.purchasePlan.name' is not allowed.", "")
	add("moved to another location", ruleCase{typ: typeImageDefinition, api: apiGallery, names: []string{"gal", "win"},
		body: strings.Replace(windowsDef, "eastus", "westeurope", 1), setup: withWin}, "InvalidResourceLocation",
		"The resource win already exists in location eastus in resource group rg. A resource with the same name cannot be created in location westeurope. Please select a new resource name.", "")
	add("quota of 1,000 definitions per region", withSetup(d(ok+"}"), func(w *world) {
		withGallery(w)
		fill(w, typeImageDefinition, "eastus", 1000, []string{"gal"})
	}), "QuotaExceeded",
		"Operation could not be completed as it results in exceeding approved quota: a subscription can have at most 1000 image definitions per region, and subscription '"+testSub+"' already has 1000 in region 'eastus'.", "")
	runRules(t, cases)
}

func TestImageDefinitionDefaultsAndCoercion(t *testing.T) {
	w := newWorld(t)
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	// the sig-image-definition-create quickstart: numbers as strings,
	// a date-only end of life
	res := w.must(typeImageDefinition, apiGallery, `{"location":"eastus","properties":{"description":"Sample Gallery Image Description",
		"osType":"Linux","osState":"Generalized","endOfLifeDate":"2030-01-01",
		"identifier":{"publisher":"myPublisher","offer":"myOffer","sku":"mySku"},
		"recommended":{"vCPUs":{"min":"1","max":"64"},"memory":{"min":"2048","max":"307720"}}}}`, "gal", "def")
	p := objAt(res.Body, "properties")
	if v, _ := at(p, "recommended", "vCPUs", "min").(int64); v != 1 {
		t.Errorf("vCPUs.min = %#v, want int64 1", at(p, "recommended", "vCPUs", "min"))
	}
	if v, _ := at(p, "recommended", "memory", "max").(int64); v != 307720 {
		t.Errorf("memory.max = %#v", at(p, "recommended", "memory", "max"))
	}
	if strAt(p, "hyperVGeneration") != "V1" || has(p, "architecture") || strAt(p, "provisioningState") != "Succeeded" {
		t.Errorf("defaults for 2019-12-01:\n%s", pretty(p))
	}
	if strAt(p, "endOfLifeDate") != "2030-01-01T00:00:00.0000000+00:00" {
		t.Errorf("endOfLifeDate = %q", strAt(p, "endOfLifeDate"))
	}
	// architecture exists from 2021-10-01
	res = w.must(typeImageDefinition, "2021-10-01", defBody(`{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"a","offer":"b","sku":"c"}}`), "gal", "new")
	if strAt(res.Body, "properties", "architecture") != "x64" || strAt(res.Body, "properties", "hyperVGeneration") != "V1" {
		t.Errorf("defaults for 2021-10-01:\n%s", pretty(res.Body))
	}
	if !listHas(For(typeImageDefinition).Immutable("2021-10-01"), "properties.architecture") ||
		listHas(For(typeImageDefinition).Immutable("2019-12-01"), "properties.architecture") {
		t.Error("architecture immutable per apiVersion")
	}
}

func TestImageDefinitionSeedTriples(t *testing.T) {
	// the seed's example: two of the three values may repeat
	w := newWorld(t)
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	for i, tr := range [][3]string{{"Contoso", "Finance", "Backend"}, {"Contoso", "Finance", "Frontend"}, {"Test", "Finance", "Frontend"}} {
		w.must(typeImageDefinition, apiGallery, defBody(fmt.Sprintf(`{"osType":"Windows","osState":"Generalized",
			"identifier":{"publisher":%q,"offer":%q,"sku":%q}}`, tr[0], tr[1], tr[2])), "gal", fmt.Sprintf("myImage%d", i+1))
	}
	// re-PUT of the same definition is not a duplicate of itself
	w.must(typeImageDefinition, apiGallery, defBody(`{"osType":"Windows","osState":"Generalized",
		"identifier":{"publisher":"Contoso","offer":"Finance","sku":"Backend"}}`), "gal", "myImage1")
}

func TestImageDefinitionUpdatableSet(t *testing.T) {
	w := newWorld(t)
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	w.must(typeImageDefinition, apiGallery, defBody(`{"osType":"Linux","osState":"Generalized","hyperVGeneration":"V2",
		"identifier":{"publisher":"p","offer":"o","sku":"s"}}`), "gal", "def")
	// description, end of life, recommendations, release notes change;
	// the omitted server-defaulted hyperVGeneration stays V2
	res := w.must(typeImageDefinition, apiGallery, defBody(`{"osType":"Linux","osState":"Generalized","description":"new",
		"endOfLifeDate":"2031-01-01","releaseNoteUri":"https://x","recommended":{"vCPUs":{"min":2,"max":4}},
		"identifier":{"publisher":"p","offer":"o","sku":"s"}}`), "gal", "def")
	if strAt(res.Body, "properties", "hyperVGeneration") != "V2" || strAt(res.Body, "properties", "description") != "new" {
		t.Errorf("update:\n%s", pretty(res.Body))
	}
}

func TestImageDefinitionDelete(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	if err := w.del(typeImageDefinition, "gal", "lin"); err != nil {
		t.Fatalf("definition without versions: %v", err)
	}
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "1.0.0")
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "2.90.0")
	checkErr(t, w.del(typeImageDefinition, "gal", "win"), "CannotDeleteResource",
		"Cannot delete resource while nested resources exist. Some existing nested resource IDs include: 'Microsoft.Compute/galleries/gal/images/win/versions/1.0.0, Microsoft.Compute/galleries/gal/images/win/versions/2.90.0'. Please delete all nested resources before deleting this resource.", "")
}
