package providers

import (
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Read-only values of the types without a provider of their own, filled on
// PUT from a table (data/readonly.json) so that reference() finds what
// Azure's GET returns: ids and GUIDs derived from the resource id, FQDNs
// and host names by each service's DNS pattern, states. A value the body
// gives is never overwritten.
//
// Each table entry names a type, its source (the DNS pattern's Azure docs
// page, or "REST spec readOnly" for the property paths and shapes) and a
// list of fills [path, value] or [path, value, when]: path is dotted below
// the body ("properties.fullyQualifiedDomainName"); value is any JSON, its
// strings templates expanded by [expandTemplate]; when, if given, is a path
// the body must have for the fill to apply (an ipAddress.ip only when the
// container group asks for an ipAddress). A template that reads a body
// property the body lacks ({prop:…}) skips its fill.

//go:embed data/readonly.json
var readOnlyJSON []byte

// readOnlyType is one entry of the table.
type readOnlyType struct {
	Type   string  `json:"type"`
	Source string  `json:"source"`
	Fill   [][]any `json:"fill"`
}

// readOnlyTable maps a lower-cased type to its entry; it is read on first
// use (a command that PUTs nothing never pays for it).
var readOnlyTable = sync.OnceValue(func() map[string]*readOnlyType {
	var doc struct {
		Types []*readOnlyType `json:"types"`
	}
	if err := json.Unmarshal(readOnlyJSON, &doc); err != nil {
		panic("providers: data/readonly.json: " + err.Error())
	}
	m := map[string]*readOnlyType{}
	for _, t := range doc.Types {
		k := strings.ToLower(t.Type)
		if _, dup := m[k]; dup {
			panic("providers: data/readonly.json: type listed twice: " + t.Type)
		}
		if t.Source == "" {
			panic("providers: data/readonly.json: no source for " + t.Type)
		}
		for _, f := range t.Fill {
			if len(f) < 2 || len(f) > 3 {
				panic("providers: data/readonly.json: bad fill of " + t.Type)
			}
			if _, ok := f[0].(string); !ok {
				panic("providers: data/readonly.json: bad fill path of " + t.Type)
			}
		}
		m[k] = t
	}
	return m
})

// readOnlyTypes lists the types the table fills, as written there.
func readOnlyTypes() []string {
	out := make([]string, 0, len(readOnlyTable()))
	for _, t := range readOnlyTable() {
		out = append(out, t.Type)
	}
	return out
}

// fillReadOnly fills the table's read-only values of r's type into body,
// then those of the generated table (readonly_generated.go) that it leaves.
func fillReadOnly(r *Request, body map[string]any) {
	defer fillGenerated(r, body) // what the table leaves, from the specs
	t := readOnlyTable()[strings.ToLower(r.Type)]
	if t == nil {
		return
	}
	x := &expander{r: r, body: body}
	for _, f := range t.Fill {
		path := strings.Split(f[0].(string), ".")
		if len(f) == 3 {
			if w, _ := f[2].(string); w != "" && at(body, strings.Split(w, ".")...) == nil {
				continue
			}
		}
		fillAt(body, path, f[1], x)
	}
}

// fillAt writes the expansion of v at path unless the body has a value
// there; objects merge member by member.
func fillAt(m map[string]any, path []string, v any, x *expander) {
	for i, k := range path[:len(path)-1] {
		cur, ok := get(m, k)
		if ok && cur != nil {
			next, isObj := cur.(map[string]any)
			if !isObj {
				return // the body holds something else there
			}
			m = next
			continue
		}
		// Create the parents only when the value expands.
		val, ok := x.value(v)
		if !ok {
			return
		}
		for _, kk := range path[i : len(path)-1] {
			m = child(m, kk)
		}
		set(m, path[len(path)-1], val)
		return
	}
	leaf := path[len(path)-1]
	cur, _ := get(m, leaf)
	if cur == nil {
		if val, ok := x.value(v); ok {
			set(m, leaf, val)
		}
		return
	}
	curObj, curIsObj := cur.(map[string]any)
	vObj, vIsObj := v.(map[string]any)
	if curIsObj && vIsObj {
		for k, vv := range vObj {
			fillAt(curObj, []string{k}, vv, x)
		}
	}
}

// expander expands the templates of one request.
type expander struct {
	r    *Request
	body map[string]any
}

// value expands every string of v; ok is false when a template reads a
// property the body lacks (members of an object that fail are left out).
func (x *expander) value(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return x.expand(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, vv := range v {
			if e, ok := x.value(vv); ok {
				out[k] = e
			}
		}
		return out, true
	case []any:
		out := make([]any, 0, len(v))
		for _, vv := range v {
			e, ok := x.value(vv)
			if !ok {
				return nil, false
			}
			out = append(out, e)
		}
		return out, true
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true // integers as the evaluator holds them
		}
	}
	return v, true
}

// expand replaces the placeholders of a template:
//
//	{name}          the resource's own name, lower-cased (DNS names are)
//	{Name}          the resource's own name as given
//	{parent}        the parent's name, lower-cased (a child's DNS names)
//	{fqdn}          a DNS record set's FQDN: name.zone. ("@" is the zone's apex)
//	{location}      the normalized location ("eastus")
//	{id} {subscription} {resourceGroup} {tenant}
//	{guid:K}        a GUID derived from the resource id and K (SHA-1, RFC 4122 v5)
//	{hex:K:N}       N lower-case hex digits derived from the id and K ({HEX:K:N} upper-case)
//	{digits:K:N}    N decimal digits derived from the id and K
//	{hexof:P:K:N}   as {hex:K:N}, derived from the id the body holds at P
//	{HEXSUB:K:N}    N upper-case hex digits derived from the subscription's id and K
//	                (a value every resource of the subscription shares)
//	{ip}            the simulator's public IP address of the resource
//	{now:D}         the request's time plus the Go duration D, RFC 3339 in UTC
//	{prop:P}        the body's string at the dotted path P; "a|b" tries a then b
func (x *expander) expand(s string) (any, bool) {
	if !strings.Contains(s, "{") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		v, ok := x.placeholder(s[i+1 : i+j])
		if !ok {
			return nil, false
		}
		b.WriteString(v)
		s = s[i+j+1:]
	}
	return b.String(), true
}

func (x *expander) placeholder(p string) (string, bool) {
	r := x.r
	segs := nameSegments(r.Name)
	switch p {
	case "name":
		return strings.ToLower(lastSegment(r.Name)), true
	case "Name":
		return lastSegment(r.Name), true
	case "parent":
		if len(segs) < 2 {
			return "", false
		}
		return strings.ToLower(segs[len(segs)-2]), true
	case "location":
		loc, _ := x.body["location"].(string)
		if loc == "" {
			return "", false
		}
		return NormalizeLocation(loc), true
	case "id":
		return r.ID, true
	case "subscription":
		if r.SubscriptionID != "" {
			return r.SubscriptionID, true
		}
		if id, err := parseID(r.ID); err == nil && id.SubscriptionID != "" {
			return id.SubscriptionID, true
		}
		return "", false
	case "resourceGroup":
		if r.ResourceGroup != "" {
			return r.ResourceGroup, true
		}
		if id, err := parseID(r.ID); err == nil && id.ResourceGroup != "" {
			return id.ResourceGroup, true
		}
		return "", false
	case "tenant":
		return r.tenant(), true
	case "fqdn": // a DNS record set's: "www.contoso.com.", the apex "@" is "contoso.com."
		if len(segs) < 2 {
			return "", false
		}
		zone := strings.ToLower(segs[len(segs)-2])
		if segs[len(segs)-1] == "@" {
			return zone + ".", true
		}
		return strings.ToLower(segs[len(segs)-1]) + "." + zone + ".", true
	case "ip":
		return simulatedPublicIP(r.ID), true
	}
	kind, arg, _ := strings.Cut(p, ":")
	switch kind {
	case "guid":
		return derivedGUID(r.ID, arg), true
	case "hex", "HEX", "digits":
		k, n, ok := kindWidth(arg)
		if !ok {
			return "", false
		}
		v := derivedChars(r.ID, k, n, kind == "digits")
		if kind == "HEX" {
			v = strings.ToUpper(v)
		}
		return v, true
	case "now":
		d, err := time.ParseDuration(arg)
		if err != nil || r.Now.IsZero() {
			return "", false
		}
		return r.Now.Add(d).UTC().Format(time.RFC3339), true
	case "HEXSUB":
		sub, ok := x.placeholder("subscription")
		k, n, ok2 := kindWidth(arg)
		if !ok || !ok2 {
			return "", false
		}
		return strings.ToUpper(derivedChars("/subscriptions/"+sub, k, n, false)), true
	case "hexof":
		path, rest, _ := strings.Cut(arg, ":")
		src, ok := x.prop(path)
		if !ok {
			return "", false
		}
		k, n, ok := kindWidth(rest)
		if !ok {
			return "", false
		}
		return derivedChars(src, k, n, false), true
	case "prop":
		return x.prop(arg)
	}
	return "", false
}

// prop returns the body's string at a dotted path, trying "a|b" in order.
func (x *expander) prop(paths string) (string, bool) {
	for _, p := range strings.Split(paths, "|") {
		if s, ok := at(x.body, strings.Split(p, ".")...).(string); ok && s != "" && !strings.HasPrefix(s, "[") {
			return s, true
		}
	}
	return "", false
}

// kindWidth splits "K:N".
func kindWidth(s string) (string, int, bool) {
	k, w, _ := strings.Cut(s, ":")
	n, err := strconv.Atoi(w)
	if err != nil || n <= 0 || n > 40 || k == "" {
		return "", 0, false
	}
	return k, n, true
}

// derivedGUID is the GUID of a resource id and a kind: stable across
// deployments, different for every kind.
func derivedGUID(id, kind string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(strings.ToLower(id)+"#"+kind)).String()
}

// derivedChars returns n hex (or decimal) characters derived from an id
// and a kind.
func derivedChars(id, kind string, n int, digits bool) string {
	sum := sha1.Sum([]byte(strings.ToLower(id) + "#" + kind))
	if !digits {
		return hex.EncodeToString(sum[:])[:n]
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = '0' + sum[i%len(sum)]%10
	}
	if b[0] == '0' {
		b[0] = '1' // the numbers Azure shows do not start with 0
	}
	return string(b)
}
