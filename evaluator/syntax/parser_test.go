package syntax_test

import (
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in       string
		want     syntax.Form
		wantText string
	}{
		{"plain", syntax.Literal, "plain"},
		{"", syntax.Literal, ""},
		{"[", syntax.Literal, "["},
		{"]", syntax.Literal, "]"},
		{"[test] value", syntax.Literal, "[test] value"},
		{"[[test value]", syntax.Escaped, "[test value]"},
		{"[[]", syntax.Escaped, "[]"},
		{"[[abc", syntax.Literal, "[[abc"},
		{" [x]", syntax.Literal, " [x]"},
		{"[concat('a')]", syntax.Expression, "[concat('a')]"},
		{"[]", syntax.Expression, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := syntax.Classify(tt.in); got != tt.want {
				t.Errorf("Classify(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if tt.want != syntax.Expression {
				if got := syntax.LiteralValue(tt.in); got != tt.wantText {
					t.Errorf("LiteralValue(%q) = %q, want %q", tt.in, got, tt.wantText)
				}
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in        string
		wantDump  string
		wantPrint string
	}{
		{
			in:        "[concat('a', 1)]",
			wantDump:  "Call(concat)@1:15[String('a')@8:11, Int(1)@13:14]",
			wantPrint: "concat('a', 1)",
		},
		{
			in:        "[ concat( 'a' ,1 ) ]",
			wantDump:  "Call(concat)@2:18[String('a')@10:13, Int(1)@15:16]",
			wantPrint: "concat('a', 1)",
		},
		{
			in:        "['it''s']",
			wantDump:  "String('it''s')@1:8",
			wantPrint: "'it''s'",
		},
		{
			in:        "['']",
			wantDump:  "String('')@1:3",
			wantPrint: "''",
		},
		{
			in:        "[-12]",
			wantDump:  "Int(-12)@1:4",
			wantPrint: "-12",
		},
		{
			in:        "[resourceGroup().location]",
			wantDump:  "Member(Call(resourceGroup)@1:16[], location)@1:25",
			wantPrint: "resourceGroup().location",
		},
		{
			in:        "[parameters('x')['my-prop'][0]]",
			wantDump:  "Index(Index(Call(parameters)@1:16[String('x')@12:15], String('my-prop')@17:26)@1:27, Int(0)@28:29)@1:30",
			wantPrint: "parameters('x')['my-prop'][0]",
		},
		{
			in:        "[contoso.uniqueName(parameters('p'))]",
			wantDump:  "Call(contoso.uniqueName)@1:36[Call(parameters)@20:35[String('p')@31:34]]",
			wantPrint: "contoso.uniqueName(parameters('p'))",
		},
		{
			in:        "[variables('dogs')[lambdaVariables('i')].name]",
			wantDump:  "Member(Index(Call(variables)@1:18[String('dogs')@11:17], Call(lambdaVariables)@19:39[String('i')@35:38])@1:40, name)@1:45",
			wantPrint: "variables('dogs')[lambdaVariables('i')].name",
		},
		{
			in:        "[CONCAT('[x]', 'y')]",
			wantDump:  "Call(CONCAT)@1:19[String('[x]')@8:13, String('y')@15:18]",
			wantPrint: "CONCAT('[x]', 'y')",
		},
		{
			in:        "[__bicep.f_1()]",
			wantDump:  "Call(__bicep.f_1)@1:14[]",
			wantPrint: "__bicep.f_1()",
		},
		{
			in:        "[f('ü')]",
			wantDump:  "Call(f)@1:8[String('ü')@3:7]",
			wantPrint: "f('ü')",
		},
		{
			in:        "[json('{\"a\": 1}').a]",
			wantDump:  "Member(Call(json)@1:17[String('{\"a\": 1}')@6:16], a)@1:19",
			wantPrint: "json('{\"a\": 1}').a",
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := syntax.Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if got := syntax.Dump(n); got != tt.wantDump {
				t.Errorf("Dump:\n got: %s\nwant: %s", got, tt.wantDump)
			}
			if got := syntax.Print(n); got != tt.wantPrint {
				t.Errorf("Print:\n got: %s\nwant: %s", got, tt.wantPrint)
			}
			again, err := syntax.Parse(syntax.Format(n))
			if err != nil {
				t.Fatalf("reparse of %q: %v", syntax.Format(n), err)
			}
			if !syntax.Equal(n, again) {
				t.Errorf("round trip changed the tree: %s vs %s", syntax.Dump(n), syntax.Dump(again))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in         string
		wantMsg    string
		wantOffset int
	}{
		{
			in:         "[concat('a' 'b')]",
			wantMsg:    "Unable to parse language expression 'concat('a' 'b')': expected token 'RightParenthesis' and actual 'String'.",
			wantOffset: 12,
		},
		{
			in:         "[concat('a'))]",
			wantMsg:    "Unable to parse language expression 'concat('a'))': expected token 'EndOfData' and actual 'RightParenthesis'.",
			wantOffset: 12,
		},
		{
			in:         "[concat]",
			wantMsg:    "Unable to parse language expression 'concat': expected token 'LeftParenthesis' and actual 'EndOfData'.",
			wantOffset: 7,
		},
		{
			in:         "[]",
			wantMsg:    "Unable to parse language expression '': expected token 'Identifier' and actual 'EndOfData'.",
			wantOffset: 1,
		},
		{
			in:         "[concat('a',)]",
			wantMsg:    "Unable to parse language expression 'concat('a',)': expected token 'Identifier' and actual 'RightParenthesis'.",
			wantOffset: 12,
		},
		{
			in:         "[f().]",
			wantMsg:    "Unable to parse language expression 'f().': expected token 'Identifier' and actual 'EndOfData'.",
			wantOffset: 5,
		},
		{
			in:         "[a.b.c()]",
			wantMsg:    "Unable to parse language expression 'a.b.c()': expected token 'LeftParenthesis' and actual 'Dot'.",
			wantOffset: 4,
		},
		{
			in:         "[f(1]",
			wantMsg:    "Unable to parse language expression 'f(1': expected token 'RightParenthesis' and actual 'EndOfData'.",
			wantOffset: 4,
		},
		{
			in:         "[f('abc)]",
			wantMsg:    "Unable to parse language expression 'f('abc)': the string literal is not terminated at position '2'.",
			wantOffset: 3,
		},
		{
			in:         "[add(1 + 2)]",
			wantMsg:    "Unable to parse language expression 'add(1 + 2)': unexpected character at position '6'.",
			wantOffset: 7,
		},
		{
			in:         "[f(-)]",
			wantMsg:    "Unable to parse language expression 'f(-)': a '-' must be followed by digits at position '2'.",
			wantOffset: 3,
		},
		{
			in:         "[f(99999999999999999999)]",
			wantMsg:    "Unable to parse language expression 'f(99999999999999999999)': the integer '99999999999999999999' is out of range.",
			wantOffset: 3,
		},
		{
			in:         "[true]",
			wantMsg:    "Unable to parse language expression 'true': expected token 'LeftParenthesis' and actual 'EndOfData'.",
			wantOffset: 5,
		},
		{
			in:         "plain",
			wantMsg:    "The string 'plain' is not a template language expression: it must start with '[' and end with ']'.",
			wantOffset: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := syntax.Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error", tt.in)
			}
			perr, ok := err.(*syntax.Error)
			if !ok {
				t.Fatalf("error type %T, want *syntax.Error", err)
			}
			if perr.Message != tt.wantMsg {
				t.Errorf("message:\n got: %s\nwant: %s", perr.Message, tt.wantMsg)
			}
			if perr.Offset != tt.wantOffset {
				t.Errorf("offset = %d, want %d", perr.Offset, tt.wantOffset)
			}
		})
	}
}

func TestParseLengthLimit(t *testing.T) {
	body := "concat('" + strings.Repeat("a", syntax.MaxExpressionLength) + "')"
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"at limit", "['" + strings.Repeat("a", syntax.MaxExpressionLength-4) + "']", false},
		{"over limit", "[" + body + "]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := syntax.Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "exceeds the limit of 24576 characters") {
				t.Errorf("unexpected message %q", err.Error())
			}
		})
	}
}

func TestParseDepthLimit(t *testing.T) {
	deep := "[" + strings.Repeat("f(", 600) + strings.Repeat(")", 600) + "]"
	_, err := syntax.Parse(deep)
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("Parse of deep nesting: err = %v, want nesting error", err)
	}
}

func TestInspect(t *testing.T) {
	n, err := syntax.Parse("[concat(reference('a').x, reference(resourceId('t', 'b')))]")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	syntax.Inspect(n, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.Call); ok {
			got = append(got, c.Name)
		}
		return true
	})
	want := "concat reference reference resourceId"
	if strings.Join(got, " ") != want {
		t.Errorf("calls = %v, want %s", got, want)
	}
}
