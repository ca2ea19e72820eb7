package syntax

import (
	"strconv"
	"strings"
)

// Print renders n as canonical expression text without the outer brackets:
// arguments separated by ", ", strings single-quoted with doubled inner quotes,
// function names in the case they were written. Parsing "[" + Print(n) + "]"
// yields a tree [Equal] to n.
func Print(n Node) string {
	var sb strings.Builder
	print(&sb, n)
	return sb.String()
}

// Format renders n as a complete expression string, "[" + Print(n) + "]".
func Format(n Node) string { return "[" + Print(n) + "]" }

// Quote returns s as an ARM string literal, doubling inner quotes.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func print(sb *strings.Builder, n Node) {
	switch x := n.(type) {
	case *StringLit:
		sb.WriteString(Quote(x.Value))
	case *IntLit:
		sb.WriteString(strconv.FormatInt(x.Value, 10))
	case *Call:
		sb.WriteString(x.QualifiedName())
		sb.WriteByte('(')
		for i, a := range x.Args {
			if i > 0 {
				sb.WriteString(", ")
			}
			print(sb, a)
		}
		sb.WriteByte(')')
	case *Member:
		print(sb, x.Target)
		sb.WriteByte('.')
		sb.WriteString(x.Name)
	case *Index:
		print(sb, x.Target)
		sb.WriteByte('[')
		print(sb, x.Index)
		sb.WriteByte(']')
	}
}

// Dump renders n with node kinds and byte ranges, for tests and debugging:
// Call(concat)@1:16[String('a')@8:11, Int(1)@13:14].
func Dump(n Node) string {
	var sb strings.Builder
	dump(&sb, n)
	return sb.String()
}

func dump(sb *strings.Builder, n Node) {
	span := func(r Range) {
		sb.WriteByte('@')
		sb.WriteString(strconv.Itoa(r.Start))
		sb.WriteByte(':')
		sb.WriteString(strconv.Itoa(r.End))
	}
	switch x := n.(type) {
	case *StringLit:
		sb.WriteString("String(" + Quote(x.Value) + ")")
		span(x.Range)
	case *IntLit:
		sb.WriteString("Int(" + strconv.FormatInt(x.Value, 10) + ")")
		span(x.Range)
	case *Call:
		sb.WriteString("Call(" + x.QualifiedName() + ")")
		span(x.Range)
		sb.WriteByte('[')
		for i, a := range x.Args {
			if i > 0 {
				sb.WriteString(", ")
			}
			dump(sb, a)
		}
		sb.WriteByte(']')
	case *Member:
		sb.WriteString("Member(")
		dump(sb, x.Target)
		sb.WriteString(", " + x.Name + ")")
		span(x.Range)
	case *Index:
		sb.WriteString("Index(")
		dump(sb, x.Target)
		sb.WriteString(", ")
		dump(sb, x.Index)
		sb.WriteByte(')')
		span(x.Range)
	}
}
