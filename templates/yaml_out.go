package templates

import (
	"bytes"
	"strconv"

	"gopkg.in/yaml.v3"
)

// JSONToYAML renders a JSON document as the same document in YAML: object
// keys in their order, integers as integers, strings quoted where YAML
// would read them as something else. It is the -o yaml of the commands.
func JSONToYAML(data []byte) ([]byte, error) {
	src, ds := Parse("output.json", data)
	if src == nil || src.Root == nil {
		return nil, ds.Err()
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(src.Root)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func yamlNode(n *Node) *yaml.Node {
	switch n.Kind {
	case Object:
		y := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, f := range n.Fields {
			y.Content = append(y.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.Key}, yamlNode(f.Value))
		}
		return y
	case Array:
		y := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, it := range n.Items {
			y.Content = append(y.Content, yamlNode(it))
		}
		return y
	case String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: n.Str}
	case Int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(n.Int, 10)}
	case Float:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(n.Float, 'g', -1, 64)}
	case Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(n.Bool)}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
}
