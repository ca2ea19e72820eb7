package arm

import (
	"context"
	"errors"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Preview features of a subscription (Microsoft.Features), as 'az feature
// register|unregister|show|list' manage them. A registration takes effect
// at once (Azure goes through Registering first). The features that
// allow-list a subscription for a restricted region (Australia Central,
// Australia Central 2, the canary regions, ...) are
// providers.RegionFeature's.

// Feature is a feature as Microsoft.Features returns it.
type Feature struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"` // "Microsoft.Compute/Feature"
	Type       string            `json:"type"`
	Properties FeatureProperties `json:"properties"`
}

// FeatureProperties holds a feature's state: Registered, Unregistered or
// NotRegistered (never registered in the subscription).
type FeatureProperties struct {
	State string `json:"state"`
}

// featureNotRegistered is the state of a feature the subscription never
// registered.
const featureNotRegistered = "NotRegistered"

// The operations of Microsoft.Features a caller needs.
const (
	actionFeaturesRead       = "Microsoft.Features/providers/features/read"
	actionFeaturesRegister   = "Microsoft.Features/providers/features/register/action"
	actionFeaturesUnregister = "Microsoft.Features/providers/features/unregister/action"
)

// FeatureID is a feature's id in a subscription.
func FeatureID(subscription, namespace, name string) string {
	return "/subscriptions/" + subscription + "/providers/Microsoft.Features/providers/" + namespace + "/features/" + name
}

func featureView(subscription, namespace, name, st string) *Feature {
	return &Feature{ID: FeatureID(subscription, namespace, name), Name: namespace + "/" + name,
		Type: "Microsoft.Features/providers/features", Properties: FeatureProperties{State: st}}
}

// checkFeatureName refuses an empty or malformed namespace or name.
func checkFeatureName(subscription, namespace, name string) error {
	for _, v := range []string{subscription, namespace, name} {
		if strings.TrimSpace(v) == "" || strings.ContainsAny(v, "/?#") {
			return Errorf(400, "InvalidRequestUri", "A feature needs a subscription, a resource provider namespace and a name without '/': got '%s', '%s', '%s'.",
				subscription, namespace, name)
		}
	}
	return nil
}

// RegisterFeature registers a feature in a subscription.
func (s *Service) RegisterFeature(ctx context.Context, principal, subscription, namespace, name string) (*Feature, error) {
	return s.setFeature(ctx, principal, actionFeaturesRegister, subscription, namespace, name, state.FeatureRegistered)
}

// UnregisterFeature unregisters a feature in a subscription: what it
// allowed (a restricted region) is refused again for new PUTs; resources
// already there stay, as in Azure.
func (s *Service) UnregisterFeature(ctx context.Context, principal, subscription, namespace, name string) (*Feature, error) {
	return s.setFeature(ctx, principal, actionFeaturesUnregister, subscription, namespace, name, state.FeatureUnregistered)
}

func (s *Service) setFeature(ctx context.Context, principal, action, subscription, namespace, name, st string) (*Feature, error) {
	if err := checkFeatureName(subscription, namespace, name); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, principal, action, "/subscriptions/"+subscription); err != nil {
		return nil, err
	}
	if s.store == nil {
		return nil, errors.New("register a feature: the state store does not exist")
	}
	f := &state.FeatureRegistration{SubscriptionID: subscription, Namespace: namespace, Name: name, State: st, Updated: s.opts.Now()}
	if err := s.store.PutFeature(ctx, f); err != nil {
		return nil, err
	}
	return featureView(subscription, namespace, name, st), nil
}

// GetFeature returns a feature of a subscription; one never registered
// there is NotRegistered.
func (s *Service) GetFeature(ctx context.Context, principal, subscription, namespace, name string) (*Feature, error) {
	if err := checkFeatureName(subscription, namespace, name); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, principal, actionFeaturesRead, "/subscriptions/"+subscription); err != nil {
		return nil, err
	}
	f, err := s.reader.Feature(ctx, subscription, namespace, name)
	if errors.Is(err, state.ErrNotFound) {
		return featureView(subscription, namespace, name, featureNotRegistered), nil
	} else if err != nil {
		return nil, err
	}
	return featureView(subscription, f.Namespace, f.Name, f.State), nil
}

// ListFeatures lists the features a subscription registered or
// unregistered, of one namespace when namespace is not "", sorted by
// namespace and name.
func (s *Service) ListFeatures(ctx context.Context, principal, subscription, namespace string) ([]*Feature, error) {
	if err := s.authorize(ctx, principal, actionFeaturesRead, "/subscriptions/"+subscription); err != nil {
		return nil, err
	}
	if s.store == nil {
		return []*Feature{}, nil
	}
	fs, err := s.store.Features(ctx, subscription)
	if err != nil {
		return nil, err
	}
	out := []*Feature{}
	for _, f := range fs {
		if namespace == "" || strings.EqualFold(f.Namespace, namespace) {
			out = append(out, featureView(subscription, f.Namespace, f.Name, f.State))
		}
	}
	return out, nil
}
