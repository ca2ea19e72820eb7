package evaluator

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

var uriFunctions = []*Function{
	{
		Name: "uri", Category: CategoryString, Signature: "uri(baseUri, relativeUri)",
		Description: "Combines a base URI and a relative URI as RFC 3986 resolves references.",
		MinArgs:     2, MaxArgs: 2, Impl: uriImpl,
	},
	{
		Name: "uriComponent", Category: CategoryString, Signature: "uriComponent(stringToEncode)",
		Description: "Percent-encodes a string for use in a URI, with upper-case hexadecimal digits.",
		MinArgs:     1, MaxArgs: 1, Impl: stringMapErr(func(s string) (string, bool) { return uriEscape(s), true }),
	},
	{
		Name: "uriComponentToString", Category: CategoryString, Signature: "uriComponentToString(uriEncodedString)",
		Description: "Decodes a percent-encoded string.",
		MinArgs:     1, MaxArgs: 1, Impl: stringMapErr(func(s string) (string, bool) {
			r, err := url.PathUnescape(s)
			return r, err == nil
		}),
	},
	{
		Name: "dataUri", Category: CategoryString, Signature: "dataUri(stringToConvert)",
		Description: "Converts a value to a base64 data URI (text/plain for strings, application/json otherwise).",
		MinArgs:     1, MaxArgs: 1, Impl: dataURIImpl,
	},
	{
		Name: "dataUriToString", Category: CategoryString, Signature: "dataUriToString(dataUriToConvert)",
		Description: "Returns the content of a data URI as a string, decoding base64 content.",
		MinArgs:     1, MaxArgs: 1, Impl: dataURIToStringImpl,
	},
	{
		Name: "buildUri", Category: CategoryString, Signature: "buildUri(uriParts)",
		Description: "Builds a URI from an object with scheme, host and optional port, path and query.",
		MinArgs:     1, MaxArgs: 1, Impl: buildURIImpl,
	},
	{
		Name: "parseUri", Category: CategoryString, Signature: "parseUri(uri)",
		Description: "Splits a URI into an object with scheme, host, port, path and query.",
		MinArgs:     1, MaxArgs: 1, Impl: parseURIImpl,
	},
}

// stringMapErr applies f to a string argument; f reports whether the input
// was valid.
func stringMapErr(f func(string) (string, bool)) Impl {
	return func(c Call, args []Value) (Value, error) {
		s, err := c.str(args, 0)
		if err != nil {
			return Null, err
		}
		r, ok := f(s)
		if !ok {
			return Null, c.valueError("could not process the value '%s'.", s)
		}
		return String(r), nil
	}
}

// uriEscape percent-encodes everything but RFC 3986 unreserved characters
// (.NET Uri.EscapeDataString).
func uriEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}

func uriImpl(c Call, args []Value) (Value, error) {
	base, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	rel, err := c.str(args, 1)
	if err != nil {
		return Null, err
	}
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() {
		return Null, c.valueError("expects its first parameter to be an absolute URI. The provided value is '%s'.", base)
	}
	r, err := url.Parse(rel)
	if err != nil {
		return Null, c.valueError("expects its second parameter to be a relative URI. The provided value is '%s'.", rel)
	}
	if b.Path == "" {
		b.Path = "/"
	}
	return String(b.ResolveReference(r).String()), nil
}

func dataURIImpl(c Call, args []Value) (Value, error) {
	if s, ok := args[0].AsString(); ok {
		return String("data:text/plain;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(s))), nil
	}
	return String("data:application/json;charset=utf-8;base64," + base64.StdEncoding.EncodeToString([]byte(StringText(args[0])))), nil
}

func dataURIToStringImpl(c Call, args []Value) (Value, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	meta, data, ok := strings.Cut(s, ",")
	if !ok || !strings.HasPrefix(strings.ToLower(meta), "data:") {
		return Null, c.valueError("expects its parameter to be a data URI. The provided value is '%s'.", s)
	}
	if strings.HasSuffix(strings.ToLower(meta), ";base64") {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return Null, c.valueError("expects its parameter to be a data URI with valid base64 content. The provided value is '%s'.", s)
		}
		return String(string(b)), nil
	}
	if un, err := url.PathUnescape(data); err == nil {
		return String(un), nil
	}
	return String(data), nil
}

func buildURIImpl(c Call, args []Value) (Value, error) {
	o, err := c.object(args, 0)
	if err != nil {
		return Null, err
	}
	part := func(name string) (string, error) {
		v, ok := o.Get(name)
		if !ok || v.IsNull() {
			return "", nil
		}
		if s, ok := v.AsString(); ok {
			return s, nil
		}
		if n, ok := v.AsInt(); ok {
			return strconv.FormatInt(n, 10), nil
		}
		return "", c.valueError("expects the property '%s' of its parameter to be a string. The provided value is of type '%s'.", name, v.Kind())
	}
	var parts [5]string
	for i, name := range []string{"scheme", "host", "port", "path", "query"} {
		if parts[i], err = part(name); err != nil {
			return Null, err
		}
	}
	scheme, host, port, path, query := parts[0], parts[1], parts[2], parts[3], parts[4]
	if scheme == "" || host == "" {
		return Null, c.valueError("expects its parameter to have the properties 'scheme' and 'host'.")
	}
	var sb strings.Builder
	sb.WriteString(scheme + "://" + host)
	if port != "" && port != "-1" && !(port == "443" && scheme == "https") && !(port == "80" && scheme == "http") {
		sb.WriteString(":" + port)
	}
	if !strings.HasPrefix(path, "/") {
		sb.WriteByte('/')
	}
	sb.WriteString(path)
	if query != "" {
		if !strings.HasPrefix(query, "?") {
			sb.WriteByte('?')
		}
		sb.WriteString(query)
	}
	return String(sb.String()), nil
}

func parseURIImpl(c Call, args []Value) (Value, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return Null, c.valueError("expects its parameter to be an absolute URI. The provided value is '%s'.", s)
	}
	o := NewObject(5)
	o.Set("scheme", String(u.Scheme))
	o.Set("host", String(u.Hostname()))
	if p := u.Port(); p != "" {
		n, _ := strconv.ParseInt(p, 10, 64)
		o.Set("port", Int(n))
	} else {
		o.Set("port", Null)
	}
	if path := u.EscapedPath(); path != "" {
		o.Set("path", String(path))
	}
	if u.RawQuery != "" {
		o.Set("query", String("?"+u.RawQuery))
	}
	return ObjectValue(o), nil
}
