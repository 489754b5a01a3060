package guide_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/guide"
	"involve/internal/search"
	"involve/internal/testutil"
)

func seeded(t *testing.T, d *db.DB) (*guide.Store, *search.Index) {
	t.Helper()
	ix := search.New(d)
	g := guide.NewStore(d, ix)
	n, err := g.Seed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != len(guide.Slugs()) {
		t.Fatalf("seeded %d pages, want %d", n, len(guide.Slugs()))
	}
	return g, ix
}

// TestSeedOnNodesStartingTogether seeds from several nodes at once, as
// when they all start on an empty database: each page is added once and
// no node fails on the others' pages.
func TestSeedOnNodesStartingTogether(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		const nodes = 3
		added := make(chan int, nodes)
		errs := make(chan error, nodes)
		for range nodes {
			go func() {
				n, err := guide.NewStore(d, search.New(d)).Seed(context.Background())
				added <- n
				errs <- err
			}()
		}
		total := 0
		for range nodes {
			total += <-added
			if err := <-errs; err != nil {
				t.Errorf("seed: %v", err)
			}
		}
		if total != len(guide.Slugs()) {
			t.Errorf("%d pages added in all, want %d", total, len(guide.Slugs()))
		}
	})
}

func TestSeedIsIdempotent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g, _ := seeded(t, d)
		p, _ := g.PageBySlug(ctx, "initiate")
		cur, _ := g.Current(ctx, p.ID, guide.Original)
		if _, err := g.Save(ctx, p, guide.Edit{Lang: "en", Title: "Edited", Summary: cur.Summary, Body: cur.Body, Base: cur.ID}); err != nil {
			t.Fatal(err)
		}
		// A page an editor deleted from the database would come back, but
		// pages that exist are never overwritten.
		n, err := g.Seed(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second seed added %d pages (%v)", n, err)
		}
		if now, _ := g.Current(ctx, p.ID, guide.Original); now.Title != "Edited" {
			t.Fatalf("seed overwrote an edit: %q", now.Title)
		}
	})
}

func TestRevisionsAndTranslations(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g, _ := seeded(t, d)
		acc := accounts.NewStore(d)
		ed, _, _ := acc.Create(ctx, "editor1", "correct horse battery")

		p, err := g.PageBySlug(ctx, "initiate")
		if err != nil {
			t.Fatal(err)
		}
		en, _ := g.Current(ctx, p.ID, "en")
		nl, err := g.Current(ctx, p.ID, "nl")
		if err != nil {
			t.Fatalf("initiate has no Dutch text: %v", err)
		}
		if nl.SourceID == nil || *nl.SourceID != en.ID {
			t.Fatalf("Dutch source = %v, want %d", nl.SourceID, en.ID)
		}
		if out, _ := g.Outdated(ctx, nl); out {
			t.Fatal("fresh translation is outdated")
		}

		// An edit with the wrong base is refused, and nothing is saved.
		if _, err := g.Save(ctx, p, guide.Edit{Lang: "en", Title: "X", Body: "x", Base: en.ID - 1}); !errors.Is(err, guide.ErrStale) {
			t.Fatalf("stale edit: %v", err)
		}
		body := en.Body + "\nA new closing line.\n"
		r2, err := g.Save(ctx, p, guide.Edit{Lang: "en", Title: en.Title, Summary: en.Summary, Body: body, Note: "closing line", AuthorID: &ed.ID, Base: en.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r2.Author != "editor1" || r2.Note != "closing line" || !strings.HasSuffix(r2.Body, "A new closing line.\n") {
			t.Fatalf("revision = %+v", r2)
		}
		if out, _ := g.Outdated(ctx, nl); !out {
			t.Fatal("translation not outdated after the original changed")
		}
		// A save that changes only the note does not outdate translations.
		nl2, err := g.Save(ctx, p, guide.Edit{Lang: "nl", Title: nl.Title, Summary: nl.Summary, Body: nl.Body + "\nNieuw.\n", Base: nl.ID})
		if err != nil {
			t.Fatal(err)
		}
		if out, _ := g.Outdated(ctx, nl2); out {
			t.Fatal("updated translation still outdated")
		}
		r3, err := g.Save(ctx, p, guide.Edit{Lang: "en", Title: en.Title, Summary: en.Summary, Body: body, Note: "nothing really", Base: r2.ID})
		if err != nil {
			t.Fatal(err)
		}
		if out, _ := g.Outdated(ctx, nl2); out {
			t.Fatal("a save without changes outdated the translation")
		}

		// Revert brings back an old text as a new revision.
		rv, err := g.Revert(ctx, p, en.ID, &ed.ID, "back")
		if err != nil {
			t.Fatal(err)
		}
		if rv.ID <= r3.ID || rv.Body != en.Body || rv.Reverts == nil || *rv.Reverts != en.ID {
			t.Fatalf("revert = %+v", rv)
		}
		hist, _ := g.History(ctx, p.ID, "en")
		if len(hist) != 4 || hist[0].ID != rv.ID {
			t.Fatalf("history has %d revisions, newest %d", len(hist), hist[0].ID)
		}

		// Entries fall back to the original where a translation is missing.
		entries, err := g.Entries(ctx, "ru")
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != len(guide.Slugs()) {
			t.Fatalf("%d entries, want %d", len(entries), len(guide.Slugs()))
		}
		if e := entries["initiate"]; !e.Translated || e.Lang != "ru" {
			t.Errorf("initiate entry = %+v", e)
		}
		if e := entries["street"]; e.Translated || e.Lang != "en" {
			t.Errorf("street entry = %+v", e)
		}
	})
}

func TestChecklists(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g, _ := seeded(t, d)
		acc := accounts.NewStore(d)
		m, _, _ := acc.Create(ctx, "peer1", "correct horse battery")
		p, _ := g.PageBySlug(ctx, "initiate")
		en, _ := g.Current(ctx, p.ID, "en")
		items := guide.ChecklistItems(en.Body)
		if len(items) < 6 {
			t.Fatalf("initiate has %d checklist items", len(items))
		}
		keys := []string{guide.ItemKey(items[0]), guide.ItemKey(items[2]), "not-an-item", guide.ItemKey(items[0])}
		if err := g.SetChecks(ctx, m.ID, p, keys); err != nil {
			t.Fatal(err)
		}
		got, _ := g.Checks(ctx, m.ID, p.ID)
		if len(got) != 2 || !got[guide.ItemKey(items[2])] {
			t.Fatalf("checks = %v", got)
		}
		prog, err := g.StageProgress(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(prog) != len(guide.Stages) || prog[0].Slug != "initiate" || prog[0].Done != 2 || prog[0].Total != len(items) {
			t.Fatalf("progress = %+v", prog)
		}
		if err := g.SetChecks(ctx, m.ID, p, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := g.Checks(ctx, m.ID, p.ID); len(got) != 0 {
			t.Fatalf("checks after clearing = %v", got)
		}
	})
}

func TestMarkdown(t *testing.T) {
	body := "Intro with <script>alert(1)</script> and <img src=x onerror=alert(1)>.\n\n" +
		"[bad](javascript:alert(1)) [good](/guide/initiate)\n\n## Checklist\n\n- [ ] First thing\n- [x] Second thing\n\n## After\n\nDone."
	r := guide.Render(body)
	all := string(r.Before) + string(r.After)
	for _, bad := range []string{"<script", "onerror", "javascript:", "First thing"} {
		if strings.Contains(all, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, all)
		}
	}
	if !strings.Contains(string(r.Before), `<h2 id="checklist">Checklist</h2>`) || !strings.Contains(string(r.After), "Done.") {
		t.Errorf("checklist split wrong:\nbefore %s\nafter %s", r.Before, r.After)
	}
	if got := guide.ChecklistItems(body); len(got) != 2 || got[1] != "Second thing" {
		t.Errorf("items = %q", got)
	}
	if got := guide.PlainText("## Head\n\nSome *emphasis* and [a link](/x).\n\n- item one"); got != "Head Some emphasis and a link. item one" {
		t.Errorf("plain text = %q", got)
	}
	if got := guide.ItemKey("Talk with at least five community members!"); got != "talk-with-at-least-five-community-members" {
		t.Errorf("item key = %q", got)
	}
}

func TestDiff(t *testing.T) {
	from := "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n"
	to := "one\ntwo\nthree\nFOUR\nfive\nsix\nseven\neight\nnine\n"
	var got []string
	for _, l := range guide.Diff(from, to) {
		got = append(got, l.Op+":"+l.Text)
	}
	want := "gap:… same:two same:three removed:four added:FOUR same:five same:six same:seven same:eight added:nine"
	if strings.Join(got, " ") != want {
		t.Errorf("diff =\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}
