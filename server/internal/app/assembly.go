package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// assembly holds the collaborators built from the configuration.
type assembly struct {
	cfg     *config.Config
	opts    Options
	store   *store.Store
	log     *slog.Logger
	zoho    *zoho.Client
	engine  *engine.Engine
	metrics *metrics
}

func newAssembly(cfg *config.Config, st *store.Store, log *slog.Logger, o Options) *assembly {
	a := &assembly{cfg: cfg, opts: o, store: st, log: log}
	a.zoho = zoho.New(zoho.Config{
		AccountsURL:       cfg.Zoho.AccountsURL,
		BooksURL:          cfg.Zoho.BooksBaseURL,
		InventoryURL:      cfg.Zoho.InventoryBaseURL,
		ClientID:          cfg.Zoho.ClientID,
		ClientSecret:      cfg.Zoho.ClientSecret.Reveal(),
		RefreshToken:      cfg.Zoho.RefreshToken.Reveal(),
		OrganizationID:    cfg.Zoho.OrganizationID,
		RequestsPerMinute: cfg.Zoho.RequestsPerMinute,
		MaxConcurrency:    cfg.Zoho.MaxConcurrency,
		TokenCache:        tokenCache{st},
		Retry: zoho.RetryPolicy{MaxAttempts: cfg.Zoho.Retry.MaxAttempts, BaseDelay: cfg.Zoho.Retry.BaseDelay,
			RateLimitDelay: cfg.Zoho.Retry.RateLimitWait},
		Logger: log,
	})
	a.metrics = newMetrics(a.zoho)
	a.engine = engine.New(engine.Deps{
		Config:  cfg,
		Store:   st,
		Zoho:    a.zoho,
		NewOdoo: func() engine.OdooTarget { return a.newOdoo() },
		Images:  newImages(cfg, a.zoho, o.DataDir, log),
		Logger:  log,
	})
	runs, _ := a.engine.Follow() // for the life of the process
	go followMetrics(a.metrics, runs)
	return a
}

// followMetrics counts runs as the engine tells of their start and end.
func followMetrics(m *metrics, runs <-chan *zv1.Run) {
	for r := range runs {
		if r.State == zv1.RunState_RUN_STATE_RUNNING {
			m.runStarted(r)
		} else {
			m.runFinished(r)
		}
	}
}

func (a *assembly) newOdoo() *odoo.Client {
	r := a.cfg.Odoo.Retry
	var hc *http.Client
	if r.Timeout > 0 {
		hc = &http.Client{Timeout: r.Timeout}
	}
	return odoo.New(odoo.Config{
		URL: a.cfg.Odoo.URL, DB: a.cfg.Odoo.DB, Username: a.cfg.Odoo.Username, Password: a.cfg.Odoo.Password.Reveal(),
		Retry: odoo.RetryPolicy{MaxAttempts: r.MaxAttempts, BaseDelay: r.BaseDelay}, HTTPClient: hc, Logger: a.log,
	})
}

// tokenCache keeps the Zoho access token in the store across restarts.
type tokenCache struct{ s *store.Store }

func (t tokenCache) LoadToken() (zoho.CachedToken, error) {
	var c zoho.CachedToken
	err := t.s.GetMeta("zoho_token", &c)
	return c, err
}

func (t tokenCache) SaveToken(c zoho.CachedToken) error { return t.s.PutMeta("zoho_token", c) }

// Config is the configuration as the API shows it: secrets only as set / not set.
func (a *assembly) Config() *zv1.Config {
	c := a.cfg
	out := &zv1.Config{
		Zoho: &zv1.ZohoConfig{
			BaseUrl: c.Zoho.BooksBaseURL, InventoryBaseUrl: c.Zoho.InventoryBaseURL, AccountsUrl: c.Zoho.AccountsURL,
			DataCenter: c.Zoho.DataCenter, ClientId: c.Zoho.ClientID, OrganizationId: c.Zoho.OrganizationID,
			ClientSecret: &zv1.SecretState{Set: c.Zoho.ClientSecret.IsSet(), Source: c.Zoho.ClientSecretSource},
			RefreshToken: &zv1.SecretState{Set: c.Zoho.RefreshToken.IsSet(), Source: c.Zoho.RefreshTokenSource},
			ItemSource:   zohoProduct(c.Zoho.ItemSource), ImageSources: zohoProducts(c.Mapping.Options.Images.Sources),
		},
		Odoo: &zv1.OdooConfig{Url: c.Odoo.URL, Db: c.Odoo.DB, Username: c.Odoo.Username,
			Password: &zv1.SecretState{Set: c.Odoo.Password.IsSet(), Source: c.Odoo.PasswordSource}},
		DefaultValues: map[string]string{},
		Options: &zv1.SyncOptions{
			ArchiveInactive: c.Mapping.Options.ArchiveInactive, ArchiveMissing: c.Mapping.Options.ArchiveMissing,
			BatchSize: int32(c.Mapping.Options.BatchSize), ClearRemovedImages: c.Mapping.Options.Images.ClearRemoved,
			ImagesEnabled: c.Mapping.Options.Images.Enabled,
		},
		ConfigDir: c.Dir, DataDir: a.opts.DataDir, ListenAddress: a.opts.Listen,
		ApiTokenRequired: a.opts.APIToken.IsSet(), Tls: a.opts.TLSCert != "",
	}
	for _, f := range c.Mapping.Fields {
		out.Mapping = append(out.Mapping, &zv1.MappingEntry{ZohoField: f.Zoho, OdooField: f.Odoo})
	}
	for k, v := range c.Mapping.Defaults {
		out.DefaultValues[k] = config.DefaultJSON(v)
	}
	return out
}

// checkBudgets splits the time TestConnections may take between the Zoho and
// the Odoo check: 30 s in all, or the caller's deadline less a margin, so the
// answer arrives in time and names the check that ran out of time.
func checkBudgets(ctx context.Context, now time.Time) (zohoBudget, odooBudget time.Duration) {
	total := 30 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		left := dl.Sub(now)
		margin := min(left/10, time.Second)
		total = min(total, left-margin)
	}
	total = max(total, 0)
	return total / 2, total - total/2
}

// timedOut names a check that ran out of its budget; other errors in one line.
func timedOut(what string, budget time.Duration, err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("%s did not answer within %s", what, budget.Round(100*time.Millisecond))
	}
	return oneLine(err)
}

// zohoProduct converts a config word ("books", "inventory") to the enum.
func zohoProduct(s string) zv1.ZohoProduct {
	return zv1.ZohoProduct(zv1.ZohoProduct_value["ZOHO_PRODUCT_"+strings.ToUpper(s)])
}

func zohoProducts(in []string) []zv1.ZohoProduct {
	out := make([]zv1.ZohoProduct, 0, len(in))
	for _, s := range in {
		out = append(out, zohoProduct(s))
	}
	return out
}

// TestConnections checks Zoho (token and organisation) and Odoo (login,
// version, the fields the mapping writes), each within its share of the budget.
func (a *assembly) TestConnections(ctx context.Context) *zv1.TestConnectionsResponse {
	zohoBudget, odooBudget := checkBudgets(ctx, time.Now())
	zctx, cancel := context.WithTimeout(ctx, zohoBudget)
	defer cancel()
	out := &zv1.TestConnectionsResponse{Zoho: &zv1.ZohoCheck{}, Odoo: &zv1.OdooCheck{}}
	src := zoho.Source(a.cfg.Zoho.ItemSource)
	orgs, err := a.zoho.Organizations(zctx, src)
	switch {
	case err != nil:
		out.Zoho.Error = timedOut("Zoho", zohoBudget, err)
	default:
		found := false
		for _, o := range orgs {
			if o.ID == a.cfg.Zoho.OrganizationID {
				found = true
				out.Zoho.Ok, out.Zoho.OrganizationName, out.Zoho.Plan = true, o.Name, o.PlanName
			}
		}
		if !found {
			names := make([]string, 0, len(orgs))
			for _, o := range orgs {
				names = append(names, fmt.Sprintf("%s (%s)", o.ID, o.Name))
			}
			out.Zoho.Error = fmt.Sprintf("organisation %s (organization_id in zoho_config.json) is not one this token can see; it can see: %v", a.cfg.Zoho.OrganizationID, names)
		}
		out.Zoho.CallsRemainingToday = a.zoho.Stats().QuotaLeft
	}
	ctx, cancelOdoo := context.WithTimeout(ctx, odooBudget)
	defer cancelOdoo()
	oc := a.newOdoo()
	if err := oc.Login(ctx); err != nil {
		out.Odoo.Error = timedOut("Odoo", odooBudget, err)
		return out
	}
	out.Odoo.ServerVersion, out.Odoo.Uid = oc.Version().Full, oc.UID()
	fields, err := oc.ProductFields(ctx)
	if err != nil {
		out.Odoo.Error = timedOut("Odoo", odooBudget, err)
		return out
	}
	units, err := oc.Units(ctx)
	if err != nil {
		out.Odoo.Error = oneLine(err)
		return out
	}
	d := odoo.DialectFor(oc.Version(), fields)
	out.Odoo.StockInstalled = d.StorableByFlag || d.StorableByType
	mp, err := mapping.New(a.cfg.Mapping, fields, d, units, nil)
	if err != nil {
		out.Odoo.Error = err.Error()
		return out
	}
	out.Odoo.Fields = mp.Fields()
	for _, w := range mp.Warnings {
		out.Odoo.Warnings = append(out.Odoo.Warnings, w.Message)
	}
	out.Odoo.Ok = true
	return out
}

func oneLine(err error) string {
	var f *odoo.Fault
	if errors.As(err, &f) {
		return fmt.Sprintf("Odoo %s.%s failed: %s", f.Model, f.Method, f.Message())
	}
	return err.Error()
}
