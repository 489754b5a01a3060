package discussions

import (
	"testing"

	"involve/internal/testutil"
)

// FuzzRender checks that whatever anyone writes in a post renders as
// markup that cannot run script: no <script>, no event-handler
// attributes, no javascript: or other script addresses.
func FuzzRender(f *testing.F) {
	for _, s := range testutil.HostileMarkdown {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		out := string(Render(body))
		testutil.CheckSafeHTML(t, body, out)
	})
}
