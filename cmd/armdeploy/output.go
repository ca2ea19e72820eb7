package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	jmespath "github.com/jmespath-community/go-jmespath"
	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// The output formats of -o, as az names them; "text" is armdeploy's human
// view (az has none: its default is json), "none" prints no result (the
// exit code tells).
var outputFormats = []string{"text", "json", "yaml", "tsv", "table", "none"}

func checkOutput(o string) error {
	if slices.Contains(outputFormats, o) {
		return nil
	}
	return usagef("unknown output format %q: use %s", o, strings.Join(outputFormats, ", "))
}

// outputHelp is the help text of every -o flag.
const outputHelp = "output format: text, json, yaml, tsv, table or none (az's formats; --query selects from the json)"

// queryWriter is stdout when --query is given: emit applies the query to
// what it writes there. Text views write through it unchanged.
type queryWriter struct {
	io.Writer
	text string
}

// setupQuery reads the root's --query before a command runs: it compiles
// the expression (a usage error when it does not parse), makes the
// command's output JSON when -o was not given (a text view cannot be
// queried, and az's default is json) and routes stdout through a
// queryWriter. A command without -o cannot take --query.
func setupQuery(cmd *cobra.Command, streams *IOStreams, query string) error {
	if query == "" {
		return nil
	}
	out := cmd.Flags().Lookup("output")
	if out == nil {
		return usagef("'%s' prints no result to query: --query needs a command with -o", cmd.CommandPath())
	}
	if _, err := jmespath.Compile(query); err != nil {
		return usagef("--query: not a valid JMESPath expression: %v", err)
	}
	if !out.Changed {
		if err := out.Value.Set("json"); err != nil {
			return err
		}
	}
	streams.Out = &queryWriter{Writer: streams.Out, text: query}
	return nil
}

// emit writes a command's structured result in an -o format: JSON as ARM
// returns it, YAML (the same document), tsv or table (az's layouts). With
// --query the JMESPath result is written instead.
func emit(w io.Writer, format string, v any) error {
	var buf bytes.Buffer
	if err := diag.WriteJSON(&buf, v); err != nil {
		return err
	}
	doc := buf.Bytes()
	if q, ok := w.(*queryWriter); ok {
		var err error
		if doc, err = q.apply(doc); err != nil {
			return err
		}
	}
	switch format {
	case "none":
		return nil
	case "yaml":
		out, err := templates.JSONToYAML(doc)
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	case "tsv", "table":
		val, _, err := decodeOrdered(doc)
		if err != nil {
			return err
		}
		if format == "tsv" {
			_, err = io.WriteString(w, tsv(val))
		} else {
			_, err = io.WriteString(w, table(val))
		}
		return err
	}
	_, err := w.Write(doc)
	return err
}

// emitError writes an ARM error document in an -o format. --query does
// not apply to it: as in az, the query selects from a result, and an
// error is not one.
func emitError(w io.Writer, format string, v any) error {
	if q, ok := w.(*queryWriter); ok {
		w = q.Writer
	}
	return emit(w, format, v)
}

// emitItems writes one item as an object (single) or the items as an
// array, each rendered by view, in an -o format.
func emitItems[T, V any](w io.Writer, format string, items []T, single bool, view func(T) V) error {
	if single {
		return emit(w, format, view(items[0]))
	}
	out := make([]V, 0, len(items))
	for _, it := range items {
		out = append(out, view(it))
	}
	return emit(w, format, out)
}

// apply runs the query on a JSON document and returns the result as
// indented JSON. Objects keep the document's key order; keys the query
// made (multi-select hashes) follow in the order the query names them.
func (q *queryWriter) apply(doc []byte) ([]byte, error) {
	val, rank, err := decodeOrdered(doc)
	if err != nil {
		return nil, err
	}
	// The keys of multi-select hashes come first, in the query's order;
	// then the document's keys in its order.
	hash := map[string]int{}
	for _, m := range hashKey.FindAllStringSubmatch(q.text, -1) {
		k := strings.Trim(m[1], `"`)
		if _, ok := hash[k]; !ok {
			hash[k] = len(hash)
		}
	}
	order := func(k string) int {
		if r, ok := hash[k]; ok {
			return r
		}
		if r, ok := rank[k]; ok {
			return len(hash) + r
		}
		return math.MaxInt
	}
	expr, err := jmespath.Compile(q.text, orderedFunctions(order)...)
	if err != nil {
		return nil, fmt.Errorf("--query: %w", err)
	}
	res, err := expr.Search(plain(val))
	if err != nil {
		return nil, fmt.Errorf("--query: %w", err)
	}
	var buf bytes.Buffer
	if err := diag.WriteJSON(&buf, ordered(res, order)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// orderedFunctions replace JMESPath's keys(), values() and items(), which
// would list an object's members in Go's random map order, with ones that
// list them in the document's order (as az's Python dicts keep it).
func orderedFunctions(order func(string) int) []jmespath.FunctionEntry {
	sorted := func(m map[string]any) []string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			if ra, rb := order(a), order(b); ra != rb {
				return ra - rb
			}
			return strings.Compare(a, b)
		})
		return keys
	}
	object := []jmespath.ArgSpec{{Types: []jmespath.JpType{jmespath.JpObject}}}
	each := func(f func(k string, v any) any) jmespath.JpFunction {
		return func(args []any) (any, error) {
			m, _ := args[0].(map[string]any)
			out := make([]any, 0, len(m))
			for _, k := range sorted(m) {
				out = append(out, f(k, m[k]))
			}
			return out, nil
		}
	}
	return []jmespath.FunctionEntry{
		{Name: "keys", Arguments: object, Handler: each(func(k string, _ any) any { return k })},
		{Name: "values", Arguments: object, Handler: each(func(_ string, v any) any { return v })},
		{Name: "items", Arguments: object, Handler: each(func(k string, v any) any { return []any{k, v} })},
	}
}

// hashKey finds the keys of multi-select hashes ({name: expr, ...}) in a
// query.
var hashKey = regexp.MustCompile(`[{,]\s*([A-Za-z_][A-Za-z0-9_]*|"[^"]*")\s*:`)

// object is a JSON object that keeps its key order.
type object struct {
	keys []string
	vals map[string]any
}

// MarshalJSON writes the members in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// decodeOrdered reads a JSON document into nil, bool, json.Number, string,
// []any and *object values, and ranks every object key by where it first
// appears.
func decodeOrdered(doc []byte) (any, map[string]int, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	rank := map[string]int{}
	var read func() (any, error)
	read = func() (any, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case json.Delim('['):
			arr := []any{}
			for dec.More() {
				v, err := read()
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err = dec.Token()
			return arr, err
		case json.Delim('{'):
			obj := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				if _, ok := rank[k]; !ok {
					rank[k] = len(rank)
				}
				v, err := read()
				if err != nil {
					return nil, err
				}
				if _, dup := obj.vals[k]; !dup {
					obj.keys = append(obj.keys, k)
				}
				obj.vals[k] = v
			}
			_, err = dec.Token()
			return obj, err
		}
		return tok, nil
	}
	v, err := read()
	if err != nil {
		return nil, nil, fmt.Errorf("read the result: %w", err)
	}
	return v, rank, nil
}

// plain turns ordered values into the maps and float64s JMESPath reads.
func plain(v any) any {
	switch v := v.(type) {
	case *object:
		m := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			m[k] = plain(v.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	case json.Number:
		f, _ := v.Float64()
		return f
	}
	return v
}

// ordered turns a JMESPath result back into ordered values, the keys of
// each object sorted by rank (then by name).
func ordered(v any, rank func(string) int) any {
	switch v := v.(type) {
	case map[string]any:
		o := &object{vals: make(map[string]any, len(v))}
		for k, x := range v {
			o.keys = append(o.keys, k)
			o.vals[k] = ordered(x, rank)
		}
		slices.SortFunc(o.keys, func(a, b string) int {
			if ra, rb := rank(a), rank(b); ra != rb {
				return ra - rb
			}
			return strings.Compare(a, b)
		})
		return o
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = ordered(x, rank)
		}
		return out
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(v), 10))
		}
		return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
	}
	return v
}

// scalarText is how az's tsv and table print a value that is not a
// container (Python's str: None, True, False).
func scalarText(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return fmt.Sprint(v)
}

// tsv renders a value as az's -o tsv does: one line per element of a
// list (a single value is a list of one); an object's values in order,
// tab-separated, where a nested list prints its length and a nested
// object nothing.
func tsv(v any) string {
	var b strings.Builder
	rows, ok := v.([]any)
	if !ok {
		rows = []any{v}
	}
	cell := func(x any) string {
		switch x := x.(type) {
		case []any:
			return strconv.Itoa(len(x))
		case *object:
			return ""
		}
		return scalarText(x)
	}
	for _, r := range rows {
		var cells []string
		switch r := r.(type) {
		case *object:
			for _, k := range r.keys {
				cells = append(cells, cell(r.vals[k]))
			}
		case []any:
			for _, x := range r {
				cells = append(cells, cell(x))
			}
		case bool:
			cells = []string{strconv.FormatBool(r)}
		default:
			cells = []string{cell(r)}
		}
		b.WriteString(strings.Join(cells, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

// tableSkip are the keys az's -o table leaves out.
var tableSkip = []string{"id", "type", "etag"}

// table renders a value as az's -o table does: a column per scalar member
// of the objects (nested objects and lists, nulls and id, type and etag
// are left out; the first letter is capitalised), a rule of dashes, a row
// per element; numbers are right-aligned. A list of scalars is one
// "Result" column.
func table(v any) string {
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	var cols []string
	numeric := map[string]bool{}
	rows := make([]map[string]string, 0, len(items))
	addCol := func(c string, x any) {
		if !slices.Contains(cols, c) {
			cols = append(cols, c)
			numeric[c] = true
		}
		if _, isNum := x.(json.Number); !isNum {
			numeric[c] = false
		}
	}
	for _, it := range items {
		row := map[string]string{}
		switch it := it.(type) {
		case *object:
			for _, k := range it.keys {
				x := it.vals[k]
				if slices.Contains(tableSkip, k) || x == nil {
					continue
				}
				if _, nested := x.(*object); nested {
					continue
				}
				if _, nested := x.([]any); nested {
					continue
				}
				c := k
				if r, size := utf8.DecodeRuneInString(k); size > 0 {
					c = strings.ToUpper(string(r)) + k[size:]
				}
				addCol(c, x)
				row[c] = scalarText(x)
			}
		case []any:
			for i, x := range it {
				c := "Column" + strconv.Itoa(i+1)
				addCol(c, x)
				row[c] = scalarText(x)
			}
		default:
			addCol("Result", it)
			row["Result"] = scalarText(it)
		}
		rows = append(rows, row)
	}
	if len(cols) == 0 {
		return ""
	}
	width := map[string]int{}
	for _, c := range cols {
		width[c] = utf8.RuneCountInString(c)
		for _, r := range rows {
			width[c] = max(width[c], utf8.RuneCountInString(r[c]))
		}
	}
	var b strings.Builder
	line := func(cell func(c string) string) {
		var l strings.Builder
		for i, c := range cols {
			if i > 0 {
				l.WriteString("  ")
			}
			s := cell(c)
			gap := strings.Repeat(" ", width[c]-utf8.RuneCountInString(s))
			if numeric[c] {
				l.WriteString(gap + s)
			} else {
				l.WriteString(s + gap)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(func(c string) string { return c })
	line(func(c string) string { return strings.Repeat("-", width[c]) })
	for _, r := range rows {
		line(func(c string) string { return r[c] })
	}
	return b.String()
}
