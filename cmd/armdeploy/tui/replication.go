package tui

import (
	"encoding/json"
	"fmt"
	"strings"
)

// imageVersionType is the resource type whose replication the views draw.
const imageVersionType = "Microsoft.Compute/galleries/images/versions"

func isImageVersion(typ string) bool { return strings.EqualFold(typ, imageVersionType) }

// replica is an image version's replication to one region: the target
// (properties.publishingProfile.targetRegions) merged with the status
// (properties.replicationStatus.summary).
type replica struct {
	region   string
	count    int
	storage  string
	state    string // "" when the status does not list the region
	progress int
	details  string
}

// replication parses an image version's body: the aggregated state and
// one replica per target region (status-only regions last).
func replication(body json.RawMessage) (aggregated string, out []replica) {
	var b struct {
		Properties struct {
			PublishingProfile struct {
				ReplicaCount       json.Number `json:"replicaCount"`
				StorageAccountType string      `json:"storageAccountType"`
				TargetRegions      []struct {
					Name                 string      `json:"name"`
					RegionalReplicaCount json.Number `json:"regionalReplicaCount"`
					StorageAccountType   string      `json:"storageAccountType"`
				} `json:"targetRegions"`
			} `json:"publishingProfile"`
			ReplicationStatus struct {
				AggregatedState string `json:"aggregatedState"`
				Summary         []struct {
					Region   string      `json:"region"`
					State    string      `json:"state"`
					Details  string      `json:"details"`
					Progress json.Number `json:"progress"`
				} `json:"summary"`
			} `json:"replicationStatus"`
		} `json:"properties"`
	}
	if json.Unmarshal(body, &b) != nil {
		return "", nil
	}
	pp, rs := b.Properties.PublishingProfile, b.Properties.ReplicationStatus
	index := map[string]int{}
	for _, t := range pp.TargetRegions {
		r := replica{region: t.Name, count: atoi(t.RegionalReplicaCount), storage: t.StorageAccountType}
		if r.count == 0 {
			r.count = atoi(pp.ReplicaCount)
		}
		if r.storage == "" {
			r.storage = pp.StorageAccountType
		}
		index[normRegion(t.Name)] = len(out)
		out = append(out, r)
	}
	for _, s := range rs.Summary {
		i, ok := index[normRegion(s.Region)]
		if !ok {
			i = len(out)
			index[normRegion(s.Region)] = i
			out = append(out, replica{region: s.Region})
		}
		out[i].state, out[i].details, out[i].progress = s.State, s.Details, atoi(s.Progress)
		if strings.EqualFold(s.State, "Completed") && s.Progress == "" {
			out[i].progress = 100
		}
	}
	return rs.AggregatedState, out
}

func atoi(n json.Number) int {
	if i, err := n.Int64(); err == nil {
		return int(i)
	}
	if f, err := n.Float64(); err == nil {
		return int(f)
	}
	return 0
}

// armError is ARM's error body.
type armError struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Target  string     `json:"target"`
	Details []armError `json:"details"`
}

// parseError reads an ARM error, bare or wrapped in {"error": …}; nil when
// raw holds none.
func parseError(raw json.RawMessage) *armError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var e struct {
		armError
		Error *armError `json:"error"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return &armError{Message: string(raw)}
	}
	if e.Error != nil {
		return e.Error
	}
	if e.Code == "" && e.Message == "" {
		return nil
	}
	return &e.armError
}

func (e *armError) String() string {
	if e.Code == "" {
		return e.Message
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}
