package providers

import (
	"reflect"
	"strings"
	"unsafe"
)

// foldIndex finds members of a body's objects case-insensitively without
// scanning them: it indexes an object's lower-cased names the first time a
// name is missed in it. fillGenerated asks a hundred paths of one body,
// most of them absent, and each miss of [get] ranges over the whole
// object (a storage account's properties: a tenth of its deployment).
//
// An index holds the objects as they were when indexed plus what was
// written through it: writes to an indexed object must go through
// [foldIndex.put]. It lives for one fill.
type foldIndex struct {
	byObject map[unsafe.Pointer]map[string]string
	// made holds the objects the fill created: their names are the
	// table's, spelt alike for a type, so a name they lack in its case
	// they lack in any.
	made map[unsafe.Pointer]bool
}

// foldScanBelow is the size below which a miss scans the object: as cheap
// as indexing it.
const foldScanBelow = 8

// get is [get] through the index; lower is key lower-cased.
func (f *foldIndex) get(m map[string]any, key, lower string) (any, bool) {
	if v, ok := m[key]; ok || m == nil {
		return v, ok
	}
	p := reflect.ValueOf(m).UnsafePointer()
	if f.made[p] {
		return nil, false
	}
	if len(m) < foldScanBelow && f.byObject[p] == nil {
		return get(m, key)
	}
	k, ok := f.names(m)[lower]
	if !ok {
		return nil, false
	}
	return m[k], true
}

// object returns a new object the fill creates.
func (f *foldIndex) object() map[string]any {
	o := map[string]any{}
	if f.made == nil {
		f.made = map[unsafe.Pointer]bool{}
	}
	f.made[reflect.ValueOf(o).UnsafePointer()] = true
	return o
}

// put sets m[key] = v, replacing a member of the same name in another
// case; absent says that m has none (get missed it), which spares the
// scan. lower is key lower-cased.
func (f *foldIndex) put(m map[string]any, key, lower string, v any, absent bool) {
	if absent {
		m[key] = v
	} else {
		set(m, key, v)
	}
	if ix := f.byObject[reflect.ValueOf(m).UnsafePointer()]; ix != nil {
		ix[lower] = key
	}
}

// names is m's index of names by lower-cased name, built on first use.
func (f *foldIndex) names(m map[string]any) map[string]string {
	p := reflect.ValueOf(m).UnsafePointer()
	if ix := f.byObject[p]; ix != nil {
		return ix
	}
	if f.byObject == nil {
		f.byObject = map[unsafe.Pointer]map[string]string{}
	}
	ix := make(map[string]string, len(m))
	for k := range m {
		ix[strings.ToLower(k)] = k
	}
	f.byObject[p] = ix
	return ix
}
