package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/quota"
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
	quota   *quota.Planner
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
	var err error
	if a.quota, err = quota.New(a.zoho, st, cfg.Zoho.OrganizationID, cfg.Zoho.QuotaReservePercent, nil); err != nil {
		log.Warn("cannot read the recorded Zoho quota; waiting for Zoho's next answer", "error", err)
	}
	a.metrics = newMetrics(a.zoho, a.quota)
	a.engine = engine.New(engine.Deps{
		Config:  cfg,
		Store:   st,
		Zoho:    a.zoho,
		NewOdoo: func() engine.OdooTarget { return a.newOdoo() },
		Images:  newImages(cfg, a.zoho, o.DataDir, log),
		Quota:   a.quota,
		Logger:  log,
	})
	runs, _ := a.engine.Follow() // for the life of the process
	go followMetrics(a.metrics, runs)
	return a
}

// quotaStatus is the organisation's Zoho quota for GetStatus; nil before Zoho told it.
func (a *assembly) quotaStatus() *zv1.Quota {
	f := a.quota.Current()
	if !f.Known() {
		return nil
	}
	q := &zv1.Quota{CallsUsedToday: f.Used(), Allowance: f.Limit, Remaining: f.Remaining, Reserve: f.Reserve,
		ObservedAt: timestamppb.New(f.ObservedAt), Source: f.Source}
	if !f.ResetsAt.IsZero() {
		q.ResetsAt = timestamppb.New(f.ResetsAt)
	}
	return q
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
			StockEnabled:  c.Mapping.Options.Stock.Enabled, StockDefaultWarehouse: c.Mapping.Options.Stock.DefaultWarehouse,
			StockWarehouses: c.Mapping.Options.Stock.Warehouses,
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

// CheckTimeout bounds each check of TestConnections: an unreachable host
// answers "FAILED" within it instead of after every retry.
const CheckTimeout = 10 * time.Second

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
// version, the fields the mapping writes), each within CheckTimeout; no
// checks named means all.
func (a *assembly) TestConnections(ctx context.Context, checks []zv1.ConnectionCheck) *zv1.TestConnectionsResponse {
	out := &zv1.TestConnectionsResponse{}
	all := len(checks) == 0
	if all || slices.Contains(checks, zv1.ConnectionCheck_CONNECTION_CHECK_ZOHO) {
		out.Zoho = a.checkZoho(ctx)
	}
	if all || slices.Contains(checks, zv1.ConnectionCheck_CONNECTION_CHECK_ODOO) {
		out.Odoo = a.checkOdoo(ctx)
	}
	return out
}

func (a *assembly) checkZoho(ctx context.Context) *zv1.ZohoCheck {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	out := &zv1.ZohoCheck{}
	orgs, err := a.zoho.Organizations(ctx, zoho.Source(a.cfg.Zoho.ItemSource))
	if err != nil {
		out.Error = timeoutText(ctx, err)
		return out
	}
	for _, o := range orgs {
		if o.ID == a.cfg.Zoho.OrganizationID {
			out.Ok, out.OrganizationName, out.Plan = true, o.Name, o.PlanName
		}
	}
	if !out.Ok {
		names := make([]string, 0, len(orgs))
		for _, o := range orgs {
			names = append(names, fmt.Sprintf("%s (%s)", o.ID, o.Name))
		}
		out.Error = fmt.Sprintf("organisation %s (organization_id in zoho_config.json) is not one this token can see; it can see: %v", a.cfg.Zoho.OrganizationID, names)
	}
	out.CallsRemainingToday = a.zoho.Stats().QuotaLeft
	return out
}

func (a *assembly) checkOdoo(ctx context.Context) *zv1.OdooCheck {
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	out := &zv1.OdooCheck{}
	oc := a.newOdoo()
	if err := oc.Login(ctx); err != nil {
		out.Error = timeoutText(ctx, err)
		return out
	}
	out.ServerVersion, out.Uid = oc.Version().Full, oc.UID()
	fields, err := oc.ProductFields(ctx)
	if err != nil {
		out.Error = timeoutText(ctx, err)
		return out
	}
	units, err := oc.Units(ctx)
	if err != nil {
		out.Error = timeoutText(ctx, err)
		return out
	}
	d := odoo.DialectFor(oc.Version(), fields)
	out.StockInstalled = d.StorableByFlag || d.StorableByType
	mp, err := mapping.New(a.cfg.Mapping, fields, d, units, nil)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Fields = mp.Fields()
	for _, w := range mp.Warnings {
		out.Warnings = append(out.Warnings, w.Message)
	}
	out.Ok = true
	return out
}

// timeoutText is a check's error, saying so when the check ran out of time.
func timeoutText(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s: %s", CheckTimeout, oneLine(err))
	}
	return oneLine(err)
}

func oneLine(err error) string {
	var f *odoo.Fault
	if errors.As(err, &f) {
		return fmt.Sprintf("Odoo %s.%s failed: %s", f.Model, f.Method, f.Message())
	}
	return err.Error()
}
