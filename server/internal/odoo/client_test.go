package odoo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
)

const secret = "s3cret-odoo-password"

var fastRetry = odoo.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// client logs in to a fresh Odoo double.
func client(t *testing.T, o odootest.Options) (*odoo.Client, *odootest.Server) {
	t.Helper()
	o.Password = secret
	srv := odootest.NewServer(o)
	t.Cleanup(srv.Close)
	c := odoo.New(odoo.Config{URL: srv.URL, DB: "odoo", Username: "admin", Password: secret, Retry: fastRetry})
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestLoginErrorsNameTheProblemAndNotTheSecret(t *testing.T) {
	srv := odootest.NewServer(odootest.Options{Password: secret})
	defer srv.Close()
	notOdoo := httptest.NewServer(http.NotFoundHandler())
	defer notOdoo.Close()
	cases := []struct {
		name, url, db, password string
		is, cause               error // cause: kept in the chain (wrapped with %w)
		want                    string
	}{
		{"wrong password", srv.URL, "odoo", secret + "x", odoo.ErrLogin, nil, "wrong username, password or API key"},
		{"unknown database", srv.URL, "nope", secret, odoo.ErrLogin, nil, `no database named "nope"`},
		{"not an Odoo URL", notOdoo.URL, "odoo", secret, nil, nil, "is odoo_config.json \"url\" the Odoo base URL?"},
		{"nothing listening", "http://127.0.0.1:1", "odoo", secret, odoo.ErrUnreachable, syscall.ECONNREFUSED, "after 3 attempts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := odoo.New(odoo.Config{URL: tc.url, DB: tc.db, Username: "admin", Password: tc.password, Retry: fastRetry})
			err := c.Login(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tc.is)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("err = %v dropped its cause %v", err, tc.cause)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the password leaked into %q", err)
			}
		})
	}
}

func TestDialectPerVersion(t *testing.T) {
	cases := []struct {
		opts odootest.Options
		want map[string]any
	}{
		{odootest.Options{Version: "17.0"}, map[string]any{"detailed_type": "consu"}},
		{odootest.Options{Version: "17.0", Stock: true}, map[string]any{"detailed_type": "product"}},
		{odootest.Options{Version: "18.0"}, map[string]any{"type": "consu"}},
		{odootest.Options{Version: "18.0", Stock: true}, map[string]any{"type": "consu", "is_storable": true}},
	}
	for _, tc := range cases {
		c, _ := client(t, tc.opts)
		fields, err := c.ProductFields(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got, _ := odoo.DialectFor(c.Version(), fields).TypeValues(odoo.TypeStorable)
		if len(got) != len(tc.want) {
			t.Errorf("%+v: storable = %v, want %v", tc.opts, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%+v: storable = %v, want %v", tc.opts, got, tc.want)
			}
		}
	}
}

// TestLoadUpsertsByExternalID: a repeated load of the same rows updates, and
// the links read back map each Zoho id to its product both ways.
func TestLoadUpsertsByExternalID(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	ctx := context.Background()
	cols := []string{"id", "name", "list_price"}
	rows := [][]string{{odoo.XMLID("101"), "Tile", "12.5"}, {odoo.XMLID("102"), "Grout", "3"}}
	first, err := c.Load(ctx, cols, rows)
	if err != nil || len(first.IDs) != 2 {
		t.Fatalf("load: %+v %v", first, err)
	}
	rows[0][2] = "13"
	again, err := c.Load(ctx, cols, rows)
	if err != nil || again.IDs[0] != first.IDs[0] || again.IDs[1] != first.IDs[1] {
		t.Fatalf("second load %+v, first %+v, err %v", again, first, err)
	}
	if n := len(srv.Products(true)); n != 2 {
		t.Errorf("%d products after two loads of the same 2 rows", n)
	}
	if p, _ := srv.Product(int(first.IDs[0])); p.ListPrice != 13 {
		t.Errorf("list_price %v after the update", p.ListPrice)
	}
	links, err := c.FindLinks(ctx, []string{"101", "102", "103"})
	if err != nil || len(links) != 2 || links["101"] != first.IDs[0] || links["102"] != first.IDs[1] {
		t.Errorf("FindLinks = %v, %v", links, err)
	}
	back, err := c.LinksOf(ctx, first.IDs)
	if err != nil || back[first.IDs[0]] != "101" || back[first.IDs[1]] != "102" {
		t.Errorf("LinksOf = %v, %v", back, err)
	}
}

func TestLoadReportsTheRowOdooRefused(t *testing.T) {
	c, _ := client(t, odootest.Options{})
	res, err := c.Load(context.Background(), []string{"id", "name", "list_price"},
		[][]string{{odoo.XMLID("1"), "Fine", "1"}, {odoo.XMLID("2"), "Bad price", "twelve"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.IDs != nil || len(res.RowErr) != 1 || !strings.Contains(res.RowErr[1], "twelve") {
		t.Errorf("result %+v: want only row 1 refused, naming the value", res)
	}
}

func TestFaultsAndRetries(t *testing.T) {
	cases := []struct {
		name    string
		fault   odootest.Fault
		wantErr string // "" = the call succeeds after retries
		retries int64
	}{
		{"serialization conflict is retried", odootest.Fault{Model: "product.template", Method: "search_read", Code: 1, Times: 2,
			Message: "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"}, "", 2},
		{"dropped connection is retried", odootest.Fault{Model: "product.template", Method: "search_read", Down: true, Times: 1}, "", 1},
		{"validation error is not retried", odootest.Fault{Model: "product.template", Method: "search_read", Code: 2,
			Message: "The price cannot be negative"}, "(fault 2): The price cannot be negative", 0},
		{"Odoo down for good", odootest.Fault{Model: "product.template", Method: "search_read", Down: true, Times: -1},
			"Odoo is unreachable", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := client(t, odootest.Options{})
			srv.Inject(tc.fault)
			before := c.Stats().Retries
			_, err := c.SearchProducts(context.Background(), []any{}, []string{"name"})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want success after retries", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("the password leaked into %q", err)
			}
			if got := c.Stats().Retries - before; got != tc.retries {
				t.Errorf("%d retries, want %d", got, tc.retries)
			}
		})
	}
}

func TestLinkWithoutExternalIDRights(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	srv.Inject(odootest.Fault{Model: "ir.model.data", Method: "create", Code: 4,
		Message: "You are not allowed to create 'External Identifiers' (ir.model.data) records."})
	if err := c.Link(context.Background(), map[string]int64{"7": 1}); !errors.Is(err, odoo.ErrNoExternalIDAccess) {
		t.Errorf("err = %v, want ErrNoExternalIDAccess", err)
	}
}

func TestImportValuesAndXMLIDs(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{{nil, ""}, {"x", "x"}, {true, "1"}, {false, "0"}, {12.5, "12.5"}, {1e21, "1000000000000000000000"}, {int64(7), "7"}, {3, "3"}} {
		if got := odoo.FormatImportValue(tc.in); got != tc.want {
			t.Errorf("FormatImportValue(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if id, ok := odoo.ZohoIDFromXMLIDName(odoo.XMLIDName("2077500000000002001")); !ok || id != "2077500000000002001" {
		t.Errorf("round trip: %q %v", id, ok)
	}
	if _, ok := odoo.ZohoIDFromXMLIDName("product_template_42"); ok {
		t.Error("a foreign xml id was read as a Zoho id")
	}
}
