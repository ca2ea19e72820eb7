package providers

import (
	"encoding/json"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Stored bodies: decoding them, writing at a path, and comparing the
// immutable properties of a new body with the stored one.

// bodyOf decodes a stored body.
func bodyOf(r *state.Resource) map[string]any {
	if r == nil || len(r.Body) == 0 {
		return map[string]any{}
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil || m == nil {
		return map[string]any{}
	}
	return m
}

// setPath writes v at a path of keys, creating objects on the way.
func setPath(m map[string]any, keys []string, v any) {
	for _, k := range keys[:len(keys)-1] {
		m = child(m, k)
	}
	set(m, keys[len(keys)-1], v)
}

// checkImmutable compares the new and the stored value of each path and
// reports the first change. paths are property paths below the body
// ("properties.osType"); prefix is what the error names before the path
// below "properties" ("galleryImage.properties."). A path in defaults is
// server-defaulted: omitted means unchanged, so the stored value is copied
// into the new body.
func checkImmutable(newBody, oldBody map[string]any, paths []string, defaulted map[string]bool, name func(path string) string) *Error {
	for _, p := range paths {
		keys := strings.Split(p, ".")
		nv, ov := at(newBody, keys...), at(oldBody, keys...)
		if nv == nil && defaulted[p] && ov != nil {
			setPath(newBody, keys, deepCopy(ov))
			continue
		}
		if !same(nv, ov) {
			return errPropertyChange(name(p))
		}
	}
	return nil
}
