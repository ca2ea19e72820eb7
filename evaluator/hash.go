package evaluator

import (
	"encoding/binary"
	"github.com/google/uuid"
	"math/bits"
	"unicode/utf8"
)

// maxLiteralLength is ARM's limit on a string literal and on the input of
// uniqueString()/guid() (TemplateLiteralLimitExceeded).
const maxLiteralLength = 131072

// armNamespace is the namespace of guid()'s version 5 UUIDs (arm-spec §6.2),
// 11fb06fb-712d-4ddd-98c7-e71bbd588830 in network byte order.
var armNamespace = [16]byte{0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30}

var hashFunctions = []*Function{
	{
		Name: "uniqueString", Category: CategoryString, Signature: "uniqueString(baseString, ...)",
		Description: "Returns a deterministic 13-character hash of the strings joined with '-', as Azure computes it.",
		MinArgs:     1, MaxArgs: Variadic, Impl: func(c Call, args []Value) (Value, error) {
			s, err := c.hashInput(args)
			if err != nil {
				return Null, err
			}
			return String(uniqueString(s)), nil
		},
	},
	{
		Name: "guid", Category: CategoryString, Signature: "guid(baseString, ...)",
		Description: "Returns a deterministic GUID (version 5) computed from the strings joined with '-', as Azure computes it.",
		MinArgs:     1, MaxArgs: Variadic, Impl: func(c Call, args []Value) (Value, error) {
			s, err := c.hashInput(args)
			if err != nil {
				return Null, err
			}
			return String(guid(s)), nil
		},
	},
	{
		Name: "newGuid", Category: CategoryString, Signature: "newGuid()",
		Description: "Returns a new random GUID; allowed only in parameter default values.",
		MinArgs:     0, MaxArgs: 0, restrictedBy: ForbidNondeterministic, Impl: newGuidImpl,
	},
}

// hashInput validates the arguments of uniqueString/guid and joins them
// with '-' into UTF-8 bytes.
func (c Call) hashInput(args []Value) ([]byte, error) {
	n := len(args) - 1
	for i, a := range args {
		s, ok := a.AsString()
		if !ok {
			return nil, c.Errorf(ErrArgumentType, "The template language function '%s' expects its parameters to be of type 'String'. The parameter at index '%d' is of type '%s'.%s",
				c.Name(), i, a.Kind(), usage)
		}
		n += len(s)
	}
	buf := make([]byte, 0, n)
	for i, a := range args {
		if i > 0 {
			buf = append(buf, '-')
		}
		s, _ := a.AsString()
		buf = append(buf, s...)
	}
	if n > maxLiteralLength && utf8.RuneCount(buf) > maxLiteralLength {
		return nil, c.Errorf(ErrArgumentValue, "The template language function '%s' input exceeds the limit of %d characters (TemplateLiteralLimitExceeded).%s",
			c.Name(), maxLiteralLength, usage)
	}
	return buf, nil
}

// UniqueString computes ARM's uniqueString() of an already joined input
// (arm-spec §6.1): a two-lane 32-bit MurmurHash-style 64-bit hash of the
// UTF-8 bytes, encoded as 13 base-32 characters.
func UniqueString(input string) string { return uniqueString([]byte(input)) }

func uniqueString(input []byte) string {
	h := murmur64(input)
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	var out [13]byte
	for i := range out {
		out[i] = alphabet[h>>59]
		h <<= 5
	}
	return string(out[:])
}

func murmur64(data []byte) uint64 {
	const (
		c1 = 0x239B961B
		c2 = 0xAB0E9789
		c3 = 0x85EBCA6B
		c4 = 0xC2B2AE35
		a1 = 0x561CCD1B
		a2 = 0x0BCAA747
	)
	var h1, h2 uint32
	n := len(data)
	i := 0
	for ; i+7 < n; i += 8 {
		k1 := binary.LittleEndian.Uint32(data[i:])
		k2 := binary.LittleEndian.Uint32(data[i+4:])
		k1 = bits.RotateLeft32(k1*c1, 15) * c2
		h1 ^= k1
		h1 = bits.RotateLeft32(h1, 19) + h2
		h1 = h1*5 + a1
		k2 = bits.RotateLeft32(k2*c2, 17) * c1
		h2 ^= k2
		h2 = bits.RotateLeft32(h2, 13) + h1
		h2 = h2*5 + a2
	}
	if t := n - i; t > 0 {
		var k1 uint32
		for j := min(t, 4) - 1; j >= 0; j-- {
			k1 = k1<<8 | uint32(data[i+j])
		}
		k1 = bits.RotateLeft32(k1*c1, 15) * c2
		h1 ^= k1
		if t > 4 {
			var k2 uint32
			for j := t - 1; j >= 4; j-- {
				k2 = k2<<8 | uint32(data[i+j])
			}
			k2 = bits.RotateLeft32(k2*c2, 17) * c1
			h2 ^= k2
		}
	}
	h1 ^= uint32(n)
	h2 ^= uint32(n)
	h1 += h2
	h2 += h1
	fmix := func(h uint32) uint32 {
		h ^= h >> 16
		h *= c3
		h ^= h >> 13
		h *= c4
		h ^= h >> 16
		return h
	}
	h1 = fmix(h1)
	h2 = fmix(h2)
	h1 += h2
	h2 += h1
	return uint64(h2)<<32 | uint64(h1)
}

// GUID computes ARM's guid() of an already joined input (arm-spec §6.2): a
// version 5 UUID in the ARM namespace.
func GUID(input string) string { return guid([]byte(input)) }

func guid(input []byte) string {
	return uuid.NewSHA1(uuid.UUID(armNamespace), input).String()
}

func newGuidImpl(c Call, _ []Value) (Value, error) {
	r := c.Context().Random
	if r == nil {
		return Null, c.Errorf(ErrNotAllowed, "The template function '%s' needs a random source, and none is configured.", c.Name())
	}
	u, err := uuid.NewRandomFromReader(r)
	if err != nil {
		return Null, c.wrap(err)
	}
	return String(u.String()), nil
}
