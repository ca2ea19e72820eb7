package main

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/armdeploy/armdeploy/evaluator"
)

// Linked templates by URI: --template-uri names the template's URI (az's
// flag) and --artifacts-map PREFIX=DIR maps URIs to local folders; the
// config file .armdeploy/config.yaml (or $ARMDEPLOY_CONFIG) may hold
// mappings too:
//
//	artifacts-map:
//	  - https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/=../azure-quickstart-templates
//
// A DIR of the config file is relative to the folder that holds
// .armdeploy (the config file's folder for $ARMDEPLOY_CONFIG); a DIR of
// the flag to the working directory. Mappings of the flag come after the
// config file's, and the longest prefix that holds a URI wins.

// configFile is where the config file is looked for, and the folder its
// relative paths are relative to.
func configFile() (file, base string) {
	if f := os.Getenv("ARMDEPLOY_CONFIG"); f != "" {
		return f, filepath.Dir(f)
	}
	return filepath.Join(".armdeploy", "config.yaml"), "."
}

// config is the config file's content.
type config struct {
	ArtifactsMap []string `yaml:"artifacts-map"`
}

// configMappings reads the artifacts mappings of the config file (none
// when there is no config file).
func configMappings() ([]evaluator.ArtifactMapping, error) {
	file, base := configFile()
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) && os.Getenv("ARMDEPLOY_CONFIG") == "" {
		return nil, nil
	} else if err != nil {
		return nil, usagef("the config file %s cannot be read: %v", file, err)
	}
	var c config
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, usagef("the config file %s is not valid: %v", file, err)
	}
	var out []evaluator.ArtifactMapping
	for _, s := range c.ArtifactsMap {
		m, err := evaluator.ParseArtifactMapping(s)
		if err != nil {
			return nil, usagef("%v (in %s)", err, file)
		}
		if !filepath.IsAbs(m.Dir) {
			m.Dir = filepath.Join(base, m.Dir)
		}
		out = append(out, m)
	}
	return out, nil
}

// checkLinks validates --template-uri and --artifacts-map and sets what
// the request needs: the template file (a file:// URI or a path names
// one), its URI, and the mappings.
func (f *deploymentFlags) checkLinks() error {
	maps, err := configMappings()
	if err != nil {
		return err
	}
	for _, s := range f.ArtifactsMapArgs {
		m, err := evaluator.ParseArtifactMapping(s)
		if err != nil {
			return usagef("--artifacts-map: %v", err)
		}
		if fi, err := os.Stat(m.Dir); err != nil || !fi.IsDir() {
			return usagef("--artifacts-map: %s is not a folder", m.Dir)
		}
		maps = append(maps, m)
	}
	f.artifactsMap = maps
	if f.TemplateSpec != "" && (f.TemplateFile != "" || f.TemplateURI != "") {
		return usagef("use one of -f/--template-file, --template-uri and --template-spec")
	}
	u := f.TemplateURI
	if u == "" {
		return nil
	}
	lower := strings.ToLower(u)
	switch {
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		f.linkURI = u
		if f.TemplateFile == "" {
			// the template is the file its URI maps to; an unmapped URI
			// is the deployment's InvalidContentLink error
			if dir, rel, ok := evaluator.ResolveArtifact(maps, u); ok {
				f.TemplateFile = filepath.Join(dir, rel)
				if f.ArtifactsRoot == "" {
					f.ArtifactsRoot = dir
				}
			}
		}
	case strings.HasPrefix(lower, "file:"):
		p, err := url.Parse(u)
		if err != nil || p.Path == "" || (p.Host != "" && p.Host != "localhost") {
			return usagef("--template-uri %s is not a file:// URI of a local file", u)
		}
		if f.TemplateFile == "" {
			f.TemplateFile = filepath.FromSlash(p.Path)
		}
		f.linkURI = evaluator.FileURI(filepath.FromSlash(p.Path))
	case strings.Contains(u, "://"):
		return usagef("--template-uri %s: armdeploy reads https://, file:// URIs and paths", u)
	default:
		if f.TemplateFile == "" {
			f.TemplateFile = u
		}
		f.linkURI = evaluator.FileURI(u)
	}
	return nil
}

// linkHelp is the help of --template-uri and --artifacts-map.
const (
	templateURIHelp = "the template's URI, as az's: https://… (read through --artifacts-map unless -f gives the file), file:// or a path; " +
		"deployment().properties.templateLink.uri is this URI, so _artifactsLocation and relative links resolve against it"
	templateSpecHelp = "the id of a template spec version to deploy (as az's): its main template, with the templates it links packed in it"
	artifactsMapHelp = "PREFIX=DIR: read linked templates under the https URI PREFIX from the folder DIR (repeat; also artifacts-map in .armdeploy/config.yaml); " +
		"query strings (SAS tokens) are ignored"
)
