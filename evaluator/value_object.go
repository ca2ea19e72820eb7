package evaluator

import "strings"

// indexThreshold is the key count above which an Object keeps a map from
// folded key to position; smaller objects are scanned linearly.
const indexThreshold = 8

// Object is an ARM object: keys keep their insertion order and original case,
// and are looked up case-insensitively. Keys that differ only by case may
// coexist (ARM allows it); a lookup prefers the exact spelling and otherwise
// returns the first key that matches case-insensitively.
//
// An Object is built with [NewObject] and [Object.Set] by one goroutine and is
// read-only once wrapped in a [Value]; reads are then safe for concurrent use.
type Object struct {
	keys  []string
	vals  []Value
	index map[string]int
	flags uint8
	// size is the approximate JSON length of the object (see Value.size).
	size int64
}

// NewObject returns an empty object with room for n keys.
func NewObject(n int) *Object {
	return &Object{keys: make([]string, 0, n), vals: make([]Value, 0, n), size: 2}
}

// Len returns the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Keys returns the keys in insertion order. The slice must not be modified.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// KeyAt returns the i-th key.
func (o *Object) KeyAt(i int) string { return o.keys[i] }

// ValueAt returns the i-th value.
func (o *Object) ValueAt(i int) Value { return o.vals[i] }

// Get returns the value of key, matched case-insensitively (an exact match
// wins over a case-insensitive one).
func (o *Object) Get(key string) (Value, bool) {
	i := o.find(key)
	if i < 0 {
		return Null, false
	}
	return o.vals[i], true
}

// Has reports whether key exists (case-insensitively).
func (o *Object) Has(key string) bool { return o.find(key) >= 0 }

// Set stores v under key. A key with exactly the same spelling is replaced in
// place; otherwise the key is appended.
func (o *Object) Set(key string, v Value) {
	for i, k := range o.keys {
		if k == key {
			o.vals[i] = v
			o.recomputeFlags()
			return
		}
	}
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
	o.flags |= v.flags()
	o.size = addSize(o.size, int64(len(key))+4, v.size())
	if o.index != nil {
		lk := strings.ToLower(key)
		if _, ok := o.index[lk]; !ok {
			o.index[lk] = len(o.keys) - 1
		}
	} else if len(o.keys) > indexThreshold {
		o.buildIndex()
	}
}

// SetFold stores v under key, replacing a key that matches case-insensitively
// (keeping that key's original spelling), or appends it.
func (o *Object) SetFold(key string, v Value) {
	if i := o.find(key); i >= 0 {
		o.vals[i] = v
		o.recomputeFlags()
		return
	}
	o.Set(key, v)
}

// Clone returns a shallow copy of o that may be modified.
func (o *Object) Clone() *Object {
	c := &Object{
		keys:  append(make([]string, 0, len(o.keys)+1), o.keys...),
		vals:  append(make([]Value, 0, len(o.vals)+1), o.vals...),
		flags: o.flags,
		size:  o.size,
	}
	if o.index != nil {
		c.buildIndex()
	}
	return c
}

func (o *Object) find(key string) int {
	if o == nil {
		return -1
	}
	if o.index != nil {
		i, ok := o.index[strings.ToLower(key)]
		if !ok {
			// A key whose lower-casing differs from EqualFold's folding
			// (rare, e.g. Kelvin sign) falls back to a scan.
			return o.scan(key)
		}
		if o.keys[i] == key {
			return i
		}
		for j := i + 1; j < len(o.keys); j++ {
			if o.keys[j] == key {
				return j
			}
		}
		return i
	}
	return o.scan(key)
}

func (o *Object) scan(key string) int {
	first := -1
	for i, k := range o.keys {
		if k == key {
			return i
		}
		if first < 0 && strings.EqualFold(k, key) {
			first = i
		}
	}
	return first
}

func (o *Object) buildIndex() {
	o.index = make(map[string]int, len(o.keys))
	for i, k := range o.keys {
		lk := strings.ToLower(k)
		if _, ok := o.index[lk]; !ok {
			o.index[lk] = i
		}
	}
}

// recomputeFlags recomputes the flags and size after a value was replaced.
func (o *Object) recomputeFlags() {
	o.flags = 0
	o.size = 2
	for i, v := range o.vals {
		o.flags |= v.flags()
		o.size = addSize(o.size, int64(len(o.keys[i]))+4, v.size())
	}
}

// objectOf builds an object value from alternating keys and values; it is a
// convenience for the functions that return fixed shapes.
func objectOf(kv ...any) Value {
	o := NewObject(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1].(Value))
	}
	return ObjectValue(o)
}
