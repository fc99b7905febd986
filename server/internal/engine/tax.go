package engine

import (
	"context"
	"errors"
	"fmt"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
)

// connectTaxes turns the tax part on for the run (products.options.taxes,
// docs/odoo.md#taxes): checked against product.template's fields, then the
// company's taxes read once. Without the account app, or without the right to
// read its taxes, it is off with one warning; a tax field the mapping names
// that cannot hold taxes is a configuration error.
func (s *syncRun) connectTaxes(ctx context.Context, fields map[string]odoo.Field, mp *mapping.Mapper) error {
	opts := s.cfg.Mapping.Options.Taxes
	taxFields, w, err := mapping.TaxFields(opts, fields)
	if err != nil {
		return &configError{err}
	}
	if w != nil {
		s.report.warnings([]mapping.Warning{*w}, "")
		return nil
	}
	if len(taxFields) == 0 {
		return nil
	}
	company, taxes, err := s.odoo.Taxes(ctx)
	switch {
	case errors.Is(err, odoo.ErrForbidden): // a denied login stays the run's failure
		s.report.warn(zv1.WarningCode_WARNING_CODE_TAXES_UNAVAILABLE, "taxes are not synced: the Odoo user may not read taxes (it needs Invoicing rights)", "")
		return nil
	case err != nil:
		return err
	}
	mp.UseTaxes(opts, company, taxes)
	s.log.Info("taxes", "company", company, "taxes", len(taxes), "fields", fmt.Sprint(taxFields))
	return nil
}

// countTaxes adds a page's tax matches to the run's counts.
func (s *syncRun) countTaxes(plans []*plan) {
	var matched, unmatched int64
	for _, pl := range plans {
		matched += int64(pl.p.TaxesMatched)
		unmatched += int64(pl.p.TaxesUnmatched)
	}
	if matched+unmatched > 0 {
		s.report.counts(func(c *zv1.Counts) {
			c.TaxesMatched += matched
			c.TaxesUnmatched += unmatched
		})
	}
}
