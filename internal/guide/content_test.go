package guide_test

import (
	"regexp"
	"strings"
	"testing"

	"involve/internal/guide"
)

// The peers' path (what, who, how/initiate) must be readable in Dutch and
// Russian from the first release.
var peersPath = []string{"what", "history", "concepts", "terms", "principles", "meaningful",
	"who", "who-can-contribute", "self-organisations", "integrated-initiatives", "collaborations", "agency-support", "payment",
	"how", "initiate"}

var stigmatising = regexp.MustCompile(`(?i)\b(addicts?|junkies?|junky|abusers?|drug abuse|substance abuse|verslaafden?|наркоман\p{L}*)\b`)

func TestShippedContent(t *testing.T) {
	slugs := map[string]bool{}
	for _, s := range guide.Slugs() {
		if slugs[s] {
			t.Errorf("slug %q appears twice in the structure", s)
		}
		slugs[s] = true
		if s == "all" {
			t.Errorf("slug %q clashes with /guide/all", s)
		}
	}
	for _, slug := range guide.Slugs() {
		srcs, err := guide.Sources(slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
			continue
		}
		orig := srcs[0]
		if words := len(strings.Fields(guide.PlainText(orig.Body))); words < 300 {
			t.Errorf("%s: %d words; pages that teach run to at least 300", slug, words)
		}
		if orig.Summary == "" {
			t.Errorf("%s: no summary", slug)
		}
		for _, r := range orig.Related {
			if !slugs[r] {
				t.Errorf("%s: related page %q does not exist", slug, r)
			}
		}
		for _, src := range srcs {
			if m := stigmatising.FindString(src.Body + " " + src.Title); m != "" {
				t.Errorf("%s/%s uses %q", src.Lang, slug, m)
			}
			if strings.Contains(src.Body, "\n# ") || strings.HasPrefix(src.Body, "# ") {
				t.Errorf("%s/%s: headings start at ##", src.Lang, slug)
			}
			if src.Lang != guide.Original {
				if got, want := len(guide.ChecklistItems(src.Body)), len(guide.ChecklistItems(orig.Body)); got != want {
					t.Errorf("%s/%s: %d checklist items, the original has %d", src.Lang, slug, got, want)
				}
			}
		}
	}
	for _, slug := range peersPath {
		srcs, err := guide.Sources(slug)
		if err != nil {
			continue
		}
		have := map[string]bool{}
		for _, s := range srcs {
			have[s.Lang] = true
		}
		for _, lang := range []string{"nl", "ru"} {
			if !have[lang] {
				t.Errorf("%s: no %s translation on the peers' path", slug, lang)
			}
		}
	}
	for _, slug := range guide.Stages {
		srcs, _ := guide.Sources(slug)
		if len(srcs) > 0 && len(guide.ChecklistItems(srcs[0].Body)) == 0 {
			t.Errorf("stage %s has no checklist", slug)
		}
	}
}
