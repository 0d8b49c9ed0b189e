package report

import (
	"encoding/json"
	"io"

	"github.com/caliper-dev/caliper/runtime/portfolio"
)

// PortfolioJSON writes the review as indented JSON (the types of
// runtime/portfolio: null figures carry a reason beside them).
func PortfolioJSON(w io.Writer, p *portfolio.Portfolio) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
