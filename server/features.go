package server

// Microsoft.Features, the routes 'az feature' uses: a subscription's
// feature registrations, which allow-list it for restricted regions.
//
//	GET  /subscriptions/{s}/providers/Microsoft.Features/features
//	GET  /subscriptions/{s}/providers/Microsoft.Features/providers/{ns}/features
//	GET  /subscriptions/{s}/providers/Microsoft.Features/providers/{ns}/features/{name}
//	POST /subscriptions/{s}/providers/Microsoft.Features/providers/{ns}/features/{name}/register
//	POST /subscriptions/{s}/providers/Microsoft.Features/providers/{ns}/features/{name}/unregister

// featureRoute returns the handler of a Microsoft.Features path, or nil
// when the path is not one.
func featureRoute(c *call) handler {
	low, n := c.low, len(c.low)
	if n < 5 || low[0] != "subscriptions" || low[2] != "providers" || low[3] != "microsoft.features" {
		return nil
	}
	sub := c.segs[1]
	switch {
	case n == 5 && low[4] == "features":
		return methods(c, map[string]handler{"GET": func(c *call) (*reply, error) {
			fs, err := c.s.opts.Service.ListFeatures(c.r.Context(), c.principal, sub, "")
			if err != nil {
				return nil, err
			}
			return page(c, fs)
		}})
	case n == 7 && low[4] == "providers" && low[6] == "features":
		return methods(c, map[string]handler{"GET": func(c *call) (*reply, error) {
			fs, err := c.s.opts.Service.ListFeatures(c.r.Context(), c.principal, sub, c.segs[5])
			if err != nil {
				return nil, err
			}
			return page(c, fs)
		}})
	case n == 8 && low[4] == "providers" && low[6] == "features":
		return methods(c, map[string]handler{"GET": func(c *call) (*reply, error) {
			return okOrErr(c.s.opts.Service.GetFeature(c.r.Context(), c.principal, sub, c.segs[5], c.segs[7]))
		}})
	case n == 9 && low[4] == "providers" && low[6] == "features" && low[8] == "register":
		return methods(c, map[string]handler{"POST": func(c *call) (*reply, error) {
			return okOrErr(c.s.opts.Service.RegisterFeature(c.r.Context(), c.principal, sub, c.segs[5], c.segs[7]))
		}})
	case n == 9 && low[4] == "providers" && low[6] == "features" && low[8] == "unregister":
		return methods(c, map[string]handler{"POST": func(c *call) (*reply, error) {
			return okOrErr(c.s.opts.Service.UnregisterFeature(c.r.Context(), c.principal, sub, c.segs[5], c.segs[7]))
		}})
	}
	return nil
}

// okOrErr is a 200 with body, or the error.
func okOrErr[T any](body T, err error) (*reply, error) {
	if err != nil {
		return nil, err
	}
	return ok(body)
}
