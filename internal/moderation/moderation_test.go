package moderation_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/discussions"
	"involve/internal/groups"
	"involve/internal/memberdata"
	"involve/internal/moderation"
	"involve/internal/notify"
	"involve/internal/search"
	"involve/internal/testutil"
)

// fixture is a site with one member in each role moderation cares about,
// one public group and one secret group.
type fixture struct {
	t       *testing.T
	d       *db.DB
	acc     *accounts.Store
	groups  *groups.Store
	disc    *discussions.Store
	mod     *moderation.Store
	audit   *audit.Log
	members map[string]*accounts.Member
	group   *groups.Group // public; admin "gadmin", moderator "gmod", member "gmember"
	secret  *groups.Group // secret; only "gadmin"
	other   *groups.Group // another public group; admin "oadmin"
	fake    *fakeTarget
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	ix := search.New(d)
	al := audit.New(d)
	nc := notify.New(d)
	fx := &fixture{t: t, d: d, acc: accounts.NewStore(d), groups: groups.NewStore(d, ix), audit: al, members: map[string]*accounts.Member{}}
	fx.disc = discussions.NewStore(d, ix, nc, al)
	fx.mod = moderation.NewStore(d, al, nc, fx.groups, fx.acc)
	fx.mod.RegisterDiscussions(fx.disc)
	fx.disc.SetRecipientFilter(fx.mod.DropBlocked)
	for _, h := range []string{"member", "gmember", "gmod", "gadmin", "oadmin", "sitemod", "siteadmin", "author"} {
		m, _, err := fx.acc.Create(ctx, h, "a long enough passphrase")
		if err != nil {
			t.Fatal(err)
		}
		fx.members[h] = m
	}
	if err := fx.acc.GrantRole(ctx, d, fx.members["sitemod"].ID, accounts.RoleModerator, nil); err != nil {
		t.Fatal(err)
	}
	if err := fx.acc.GrantRole(ctx, d, fx.members["siteadmin"].ID, accounts.RoleAdmin, nil); err != nil {
		t.Fatal(err)
	}
	fx.group = fx.newGroup("Harbour Peers", groups.Public, groups.Open, "gadmin")
	fx.secret = fx.newGroup("Quiet Room", groups.Secret, groups.Invitation, "gadmin")
	fx.other = fx.newGroup("Other Peers", groups.Public, groups.Open, "oadmin")
	for h, role := range map[string]string{"gmember": groups.Member, "gmod": groups.Moderator, "author": groups.Member} {
		if err := fx.groups.Join(ctx, fx.group, fx.members[h].ID); err != nil {
			t.Fatal(err)
		}
		if err := fx.groups.SetRole(ctx, fx.group.ID, fx.members[h].ID, role); err != nil {
			t.Fatal(err)
		}
	}
	fx.fake = &fakeTarget{items: map[int64]*moderation.Located{}}
	fx.mod.Register("fake", fx.fake)
	// Re-read roles granted after creation.
	for h := range fx.members {
		fx.members[h] = fx.member(h)
	}
	return fx
}

func (fx *fixture) newGroup(name, vis, joining, founder string) *groups.Group {
	fx.t.Helper()
	g, err := fx.groups.Create(context.Background(), fx.members[founder].ID, groups.Input{Name: name, Kind: groups.SelfOrganisation,
		Visibility: vis, Joining: joining}, nil)
	if err != nil {
		fx.t.Fatal(err)
	}
	return g
}

func (fx *fixture) member(handle string) *accounts.Member {
	fx.t.Helper()
	m, err := fx.acc.ByHandle(context.Background(), handle)
	if err != nil {
		fx.t.Fatal(err)
	}
	return m
}

// fakeTarget is content whose place is set by the test.
type fakeTarget struct {
	items   map[int64]*moderation.Located
	failing bool
}

func (f *fakeTarget) add(id int64, l moderation.Located) { f.items[id] = &l }

func (f *fakeTarget) Locate(_ context.Context, _ db.Querier, id int64) (moderation.Located, error) {
	l, ok := f.items[id]
	if !ok {
		return moderation.Located{}, db.ErrNotFound
	}
	return *l, nil
}

func (f *fakeTarget) Hide(_ context.Context, _ db.Querier, id int64, _ string) error {
	if f.failing {
		return errors.New("the content store failed")
	}
	f.items[id].Hidden = true
	return nil
}

func (f *fakeTarget) Restore(_ context.Context, _ db.Querier, id int64) error {
	f.items[id].Hidden = false
	return nil
}

func (fx *fixture) count(q string, args ...any) int {
	fx.t.Helper()
	var n int
	if err := fx.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		fx.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (fx *fixture) notified(handle, kind string) int {
	return fx.count(`SELECT COUNT(*) FROM notifications WHERE member_id = ? AND kind = ?`, fx.members[handle].ID, kind)
}

// TestWhoModeratesWhat checks hiding by every role: site moderators and
// admins anything, group moderators and admins content in their own group
// but not the group itself, everyone else nothing.
func TestWhoModeratesWhat(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		inGroup, inOther, inForum := int64(1), int64(2), int64(3)
		fx.fake.add(inGroup, moderation.Located{GroupID: &fx.group.ID, Title: "in group", URL: "/x/1"})
		fx.fake.add(inOther, moderation.Located{GroupID: &fx.other.ID, Title: "in other group", URL: "/x/2"})
		fx.fake.add(inForum, moderation.Located{Title: "in forum", URL: "/x/3"})
		type target struct {
			kind string
			id   int64
		}
		targets := []target{{"fake", inGroup}, {"fake", inOther}, {"fake", inForum}, {moderation.TargetGroup, fx.group.ID}}
		want := map[string][]bool{
			//           in group, in other, in forum, the group
			"member":    {false, false, false, false},
			"gmember":   {false, false, false, false},
			"gmod":      {true, false, false, false},
			"gadmin":    {true, false, false, false},
			"oadmin":    {false, true, false, false},
			"sitemod":   {true, true, true, true},
			"siteadmin": {true, true, true, true},
		}
		for handle, wants := range want {
			for i, tg := range targets {
				m := fx.members[handle]
				err := fx.mod.Hide(ctx, m, tg.kind, tg.id, "breaks the rules")
				if wants[i] {
					if err != nil {
						t.Errorf("%s hiding %v: %v", handle, tg, err)
						continue
					}
					if err := fx.mod.Restore(ctx, m, tg.kind, tg.id, "looked again"); err != nil {
						t.Errorf("%s restoring %v: %v", handle, tg, err)
					}
				} else if !errors.Is(err, moderation.ErrForbidden) {
					t.Errorf("%s hiding %v: %v, want ErrForbidden", handle, tg, err)
				}
			}
		}
		// Nobody may act without a reason, and an unknown kind is refused.
		if err := fx.mod.Hide(ctx, fx.members["sitemod"], "fake", inForum, "  "); err == nil {
			t.Error("hiding without a reason worked")
		}
		if err := fx.mod.Hide(ctx, fx.members["sitemod"], "nothing", 1, "x"); !errors.Is(err, moderation.ErrUnknownTarget) {
			t.Errorf("unknown kind: %v", err)
		}
		if err := fx.mod.Restore(ctx, fx.members["sitemod"], "fake", inForum, "x"); !errors.Is(err, moderation.ErrNotHidden) {
			t.Errorf("restoring what is not hidden: %v", err)
		}
	})
}

// TestHideIsOneTransaction: hiding resolves the open reports, writes the
// audit entry and tells the author and reporters, or does none of it.
func TestHideIsOneTransaction(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		author := fx.members["author"].ID
		fx.fake.add(7, moderation.Located{GroupID: &fx.group.ID, Title: "A post", URL: "/p/7", AuthorID: &author})
		for _, h := range []string{"member", "gmember"} {
			if _, err := fx.mod.Report(ctx, fx.members[h], "fake", 7, moderation.ReportInput{Reason: moderation.Outing, Details: "names my street"}); err != nil {
				t.Fatal(err)
			}
		}
		// Group moderators and admins hear of it; the author does not.
		for h, want := range map[string]int{"gmod": 2, "gadmin": 2, "author": 0, "sitemod": 0} {
			if got := fx.notified(h, "moderation.report"); got != want {
				t.Errorf("%s got %d report notifications, want %d", h, got, want)
			}
		}

		if n, err := fx.mod.OpenCount(ctx, fx.group.ID); err != nil || n != 2 {
			t.Errorf("OpenCount = %d, %v; want 2", n, err)
		}
		fx.fake.failing = true
		if err := fx.mod.Hide(ctx, fx.members["gmod"], "fake", 7, "outs someone"); err == nil {
			t.Fatal("hide succeeded though the content store failed")
		}
		if n := fx.count(`SELECT COUNT(*) FROM reports WHERE status = 'open'`); n != 2 {
			t.Errorf("after a failed hide %d reports are open, want 2", n)
		}
		if n := fx.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.hide'`); n != 0 {
			t.Errorf("a failed hide left %d audit entries", n)
		}

		fx.fake.failing = false
		if err := fx.mod.Hide(ctx, fx.members["gmod"], "fake", 7, "outs someone"); err != nil {
			t.Fatal(err)
		}
		if n := fx.count(`SELECT COUNT(*) FROM reports WHERE status = 'resolved' AND outcome_note = 'outs someone' AND handled_by = ?`, fx.members["gmod"].ID); n != 2 {
			t.Errorf("%d reports resolved, want 2", n)
		}
		es, err := fx.audit.Recent(ctx, 5, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{es[0].Actor, es[0].Action, es[0].TargetType, es[0].Target, es[0].Detail}
		if diff := cmp.Diff([]string{"gmod", "moderation.hide", "fake", "7", "outs someone"}, got); diff != "" {
			t.Errorf("audit entry (-want +got):\n%s", diff)
		}
		for h, want := range map[string]int{"author": 1, "member": 0, "gmod": 0} {
			if got := fx.notified(h, "moderation.hidden"); got != want {
				t.Errorf("%s got %d hidden notifications, want %d", h, got, want)
			}
		}
		for h, want := range map[string]int{"member": 1, "gmember": 1, "author": 0} {
			if got := fx.notified(h, "moderation.handled"); got != want {
				t.Errorf("%s got %d handled notifications, want %d", h, got, want)
			}
		}
		if err := fx.mod.Hide(ctx, fx.members["gmod"], "fake", 7, "again"); !errors.Is(err, moderation.ErrAlreadyHidden) {
			t.Errorf("hiding twice: %v", err)
		}
		// Hidden content takes no new reports.
		if _, err := fx.mod.Report(ctx, fx.members["member"], "fake", 7, moderation.ReportInput{Reason: moderation.Spam}); !errors.Is(err, moderation.ErrHidden) {
			t.Errorf("reporting hidden content: %v", err)
		}
		h, err := fx.mod.History(ctx, "fake", 7, 10)
		if err != nil || len(h) != 1 || h[0].Detail != "outs someone" {
			t.Errorf("history = %+v, %v", h, err)
		}
	})
}

func TestReports(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		m := fx.members["member"]
		in := moderation.ReportInput{Reason: moderation.Harassment}

		// One open report per member per target.
		r, err := fx.mod.Report(ctx, m, moderation.TargetGroup, fx.group.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.GroupID != nil {
			t.Errorf("a report about a group is in the group's own queue (group_id %v)", *r.GroupID)
		}
		if _, err := fx.mod.Report(ctx, m, moderation.TargetGroup, fx.group.ID, in); !errors.Is(err, moderation.ErrAlreadyReported) {
			t.Errorf("reporting twice: %v", err)
		}
		// A report about a group goes to the site moderators, not the group's.
		if fx.notified("sitemod", "moderation.report") != 1 || fx.notified("gadmin", "moderation.report") != 0 {
			t.Error("a report about a group went to the wrong people")
		}
		// A group admin cannot dismiss reports about their own group.
		if _, err := fx.mod.Dismiss(ctx, fx.members["gadmin"], r.ID, ""); !errors.Is(err, moderation.ErrForbidden) {
			t.Errorf("group admin dismissing a report about their group: %v", err)
		}
		done, err := fx.mod.Dismiss(ctx, fx.members["sitemod"], r.ID, "Nothing against the rules here.")
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != moderation.Dismissed || done.Handler != "sitemod" || done.OutcomeNote != "Nothing against the rules here." {
			t.Errorf("dismissed report = %+v", done)
		}
		if _, err := fx.mod.Dismiss(ctx, fx.members["sitemod"], r.ID, ""); !errors.Is(err, moderation.ErrHandled) {
			t.Errorf("dismissing twice: %v", err)
		}
		if fx.notified("member", "moderation.handled") != 1 {
			t.Error("the reporter was not told")
		}
		if n := fx.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.dismiss' AND target = ?`, fx.group.Slug); n != 1 {
			t.Errorf("%d dismiss audit entries naming the group's slug", n)
		}
		// Once handled, the member may report it again.
		if _, err := fx.mod.Report(ctx, m, moderation.TargetGroup, fx.group.ID, in); err != nil {
			t.Errorf("reporting again after dismissal: %v", err)
		}

		// A secret group does not exist for those outside it.
		if _, err := fx.mod.Report(ctx, m, moderation.TargetGroup, fx.secret.ID, in); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("reporting a secret group from outside: %v", err)
		}
		if _, err := fx.mod.Report(ctx, fx.members["gadmin"], moderation.TargetGroup, fx.secret.ID, in); err != nil {
			t.Errorf("reporting a secret group from inside: %v", err)
		}
		// Content in a members-only group is closed to outsiders.
		closed := fx.newGroup("Closed Circle", groups.MembersOnly, groups.Request, "oadmin")
		fx.fake.add(9, moderation.Located{GroupID: &closed.ID, Title: "closed", URL: "/c"})
		if _, err := fx.mod.Report(ctx, m, "fake", 9, in); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("reporting members-only content from outside: %v", err)
		}
		if _, err := fx.mod.Report(ctx, m, "fake", 404, in); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("reporting nothing: %v", err)
		}
		if _, err := fx.mod.Report(ctx, m, "fake", 9, moderation.ReportInput{Reason: "boredom"}); err == nil {
			t.Error("a report with an unknown reason was taken")
		}

		// Group moderators dismiss reports in their group only.
		fx.fake.add(10, moderation.Located{GroupID: &fx.group.ID, Title: "in group", URL: "/g"})
		gr, err := fx.mod.Report(ctx, m, "fake", 10, moderation.ReportInput{Reason: moderation.Spam})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.mod.Dismiss(ctx, fx.members["oadmin"], gr.ID, ""); !errors.Is(err, moderation.ErrForbidden) {
			t.Errorf("another group's admin dismissing: %v", err)
		}
		if _, err := fx.mod.Dismiss(ctx, fx.members["gmod"], gr.ID, ""); err != nil {
			t.Errorf("the group's moderator dismissing: %v", err)
		}

		// Queues: the site sees every open report, a group only its own.
		all, err := fx.mod.Reports(ctx, moderation.Queue{Status: moderation.Open, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("site queue has %d open reports, want 2", len(all))
		}
		if n, err := fx.mod.OpenCount(ctx, fx.group.ID); err != nil || n != 0 {
			t.Errorf("OpenCount = %d, %v; want 0", n, err)
		}
		own, err := fx.mod.Reports(ctx, moderation.Queue{GroupID: &fx.group.ID, Status: moderation.Open, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(own) != 0 {
			t.Errorf("group queue has %d open reports, want 0", len(own))
		}
		handled, err := fx.mod.Reports(ctx, moderation.Queue{GroupID: &fx.group.ID, Limit: 50})
		if err != nil || len(handled) != 1 || handled[0].Target.Title != "in group" {
			t.Errorf("group's handled reports = %+v, %v", handled, err)
		}
		mine, err := fx.mod.ReportsBy(ctx, m.ID)
		if err != nil || len(mine) != 3 {
			t.Errorf("member's reports = %d, %v; want 3", len(mine), err)
		}
	})
}

// TestDiscussionTargets reports, hides and restores a real post and
// thread through the discussions store.
func TestDiscussionTargets(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		th, err := fx.disc.Create(ctx, &fx.group.ID, fx.members["author"].ID, discussions.Input{Title: "Where to meet", Body: "The drop-in on Tuesdays?"})
		if err != nil {
			t.Fatal(err)
		}
		var postID int64
		if err := d.QueryRow(ctx, `SELECT id FROM posts WHERE discussion_id = ? AND position = 1`, th.ID).Scan(&postID); err != nil {
			t.Fatal(err)
		}
		loc, err := fx.mod.Locate(ctx, moderation.TargetPost, postID)
		if err != nil || loc.GroupID == nil || *loc.GroupID != fx.group.ID || loc.Title != "Where to meet" || loc.AuthorID == nil {
			t.Fatalf("located post = %+v, %v", loc, err)
		}
		if _, err := fx.mod.Report(ctx, fx.members["gmember"], moderation.TargetPost, postID, moderation.ReportInput{Reason: moderation.Selling}); err != nil {
			t.Fatal(err)
		}
		if err := fx.mod.Hide(ctx, fx.members["gmod"], moderation.TargetPost, postID, "selling"); err != nil {
			t.Fatal(err)
		}
		p, err := fx.disc.Post(ctx, postID)
		if err != nil || !p.Hidden() || p.HiddenReason != "selling" {
			t.Errorf("post after hiding = %+v, %v", p, err)
		}
		if err := fx.mod.Restore(ctx, fx.members["gmod"], moderation.TargetPost, postID, "it was a joke"); err != nil {
			t.Fatal(err)
		}
		if p, _ := fx.disc.Post(ctx, postID); p.Hidden() {
			t.Error("post still hidden after restoring")
		}
		if err := fx.mod.Hide(ctx, fx.members["oadmin"], moderation.TargetDiscussion, th.ID, "x"); !errors.Is(err, moderation.ErrForbidden) {
			t.Errorf("another group's admin hiding the thread: %v", err)
		}
		if err := fx.mod.Hide(ctx, fx.members["sitemod"], moderation.TargetDiscussion, th.ID, "off topic"); err != nil {
			t.Fatal(err)
		}
		if dd, _ := fx.disc.Discussion(ctx, th.ID); dd.HiddenAt == nil || dd.HiddenReason != "off topic" {
			t.Errorf("thread after hiding = %+v", dd)
		}
	})
}

func TestSuspension(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		target := fx.members["gmember"]
		token, err := fx.acc.NewSession(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)

		// Who may suspend whom.
		for _, c := range []struct {
			actor, subject string
			want           error
		}{
			{"member", "gmember", moderation.ErrForbidden},
			{"gadmin", "gmember", moderation.ErrForbidden},
			{"sitemod", "sitemod", moderation.ErrSelf},
			{"sitemod", "siteadmin", moderation.ErrForbidden},
			{"siteadmin", "siteadmin", moderation.ErrSelf},
		} {
			if err := fx.mod.Suspend(ctx, fx.members[c.actor], fx.members[c.subject], &until, "x"); !errors.Is(err, c.want) {
				t.Errorf("%s suspending %s: %v, want %v", c.actor, c.subject, err, c.want)
			}
		}
		past := time.Now().Add(-time.Hour)
		if err := fx.mod.Suspend(ctx, fx.members["sitemod"], target, &past, "x"); !errors.Is(err, moderation.ErrPastDate) {
			t.Errorf("suspending until the past: %v", err)
		}
		if err := fx.mod.Suspend(ctx, fx.members["sitemod"], target, &until, ""); err == nil {
			t.Error("suspending without a reason worked")
		}

		if err := fx.mod.Suspend(ctx, fx.members["sitemod"], target, &until, "Harassed members after warnings"); err != nil {
			t.Fatal(err)
		}
		// Their sessions ended, and a session that somehow survives is refused.
		if n, _ := fx.acc.SessionCount(ctx, target.ID); n != 0 {
			t.Errorf("%d sessions left after suspension", n)
		}
		if _, err := fx.acc.SessionMember(ctx, token); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("old session: %v", err)
		}
		token, _ = fx.acc.NewSession(ctx, target.ID)
		var se *accounts.SuspendedError
		if _, err := fx.acc.SessionMember(ctx, token); !errors.As(err, &se) || !errors.Is(err, db.ErrNotFound) {
			t.Errorf("session of a suspended member: %v", err)
		}
		// Sign-in is refused with the end date, but only with the right
		// passphrase: a guesser learns nothing.
		_, err = fx.acc.Authenticate(ctx, "gmember", "a long enough passphrase")
		if !errors.As(err, &se) || se.Until == nil || !se.Until.Equal(until) || se.Reason != "Harassed members after warnings" {
			t.Errorf("sign-in while suspended: %v (%+v)", err, se)
		}
		if _, err := fx.acc.Authenticate(ctx, "gmember", "the wrong passphrase"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Errorf("wrong passphrase while suspended: %v", err)
		}
		// Nor does a recovery code let them in; the code stays unspent.
		codes, err := fx.acc.NewRecoveryCodes(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.acc.Recover(ctx, "gmember", codes[0], "another long passphrase"); !errors.As(err, &se) {
			t.Errorf("recovering while suspended: %v", err)
		}
		if n, _ := fx.acc.RecoveryCodesLeft(ctx, target.ID); n != len(codes) {
			t.Errorf("%d of %d codes left after a refused recovery", n, len(codes))
		}
		list, err := fx.acc.Suspensions(ctx)
		if err != nil || len(list) != 1 || list[0].Handle != "gmember" {
			t.Errorf("suspensions = %+v, %v", list, err)
		}
		var detail string
		if err := d.QueryRow(ctx, `SELECT detail FROM audit_log WHERE action = 'moderation.suspend' AND target = 'gmember'`).Scan(&detail); err != nil ||
			!strings.Contains(detail, until.Format(time.DateOnly)) {
			t.Errorf("audit detail %q, %v", detail, err)
		}

		// Lifting it lets them in again.
		if err := fx.mod.Unsuspend(ctx, fx.members["sitemod"], target, "talked it through"); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.acc.Authenticate(ctx, "gmember", "a long enough passphrase"); err != nil {
			t.Errorf("sign-in after lifting: %v", err)
		}
		if err := fx.mod.Unsuspend(ctx, fx.members["sitemod"], target, ""); !errors.Is(err, moderation.ErrNotSuspended) {
			t.Errorf("lifting twice: %v", err)
		}

		// Without an end date, until lifted; an admin may suspend a moderator.
		if err := fx.mod.Suspend(ctx, fx.members["siteadmin"], fx.members["sitemod"], nil, "Stepped away"); err != nil {
			t.Fatal(err)
		}
		_, err = fx.acc.Authenticate(ctx, "sitemod", "a long enough passphrase")
		if !errors.As(err, &se) || se.Until != nil {
			t.Errorf("indefinite suspension: %v (%+v)", err, se)
		}
		// A suspension whose end has passed no longer counts.
		if _, err := d.Exec(ctx, `UPDATE members SET suspended_until = ? WHERE id = ?`, time.Now().Add(-time.Minute), fx.members["sitemod"].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.acc.Authenticate(ctx, "sitemod", "a long enough passphrase"); err != nil {
			t.Errorf("sign-in after the suspension ended: %v", err)
		}
		if n := fx.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('moderation.suspend', 'moderation.unsuspend')`); n != 3 {
			t.Errorf("%d suspension audit entries, want 3", n)
		}
	})
}

func TestBlocks(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		a, b, c := fx.members["member"].ID, fx.members["gmember"].ID, fx.members["author"].ID
		if err := fx.mod.Block(ctx, a, a); !errors.Is(err, moderation.ErrSelf) {
			t.Errorf("blocking oneself: %v", err)
		}
		for range 2 { // blocking twice changes nothing
			if err := fx.mod.Block(ctx, a, b); err != nil {
				t.Fatal(err)
			}
		}
		if err := fx.mod.Block(ctx, c, b); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			blocker, blocked int64
			want             bool
		}{{a, b, true}, {b, a, false}, {c, b, true}, {a, c, false}} {
			if got, err := fx.mod.HasBlocked(ctx, c.blocker, c.blocked); err != nil || got != c.want {
				t.Errorf("HasBlocked(%d, %d) = %v, %v", c.blocker, c.blocked, got, err)
			}
		}
		// Notifications from b skip those who blocked b; not the other way.
		to, err := fx.mod.DropBlocked(ctx, d, b, []int64{a, c, fx.members["gmod"].ID})
		if err != nil || !cmp.Equal(to, []int64{fx.members["gmod"].ID}) {
			t.Errorf("DropBlocked from b = %v, %v", to, err)
		}
		if to, _ := fx.mod.DropBlocked(ctx, d, a, []int64{b}); !cmp.Equal(to, []int64{b}) {
			t.Errorf("DropBlocked from a = %v", to)
		}
		list, err := fx.mod.Blocks(ctx, a)
		if err != nil || len(list) != 1 || list[0].Handle != "gmember" {
			t.Errorf("Blocks = %+v, %v", list, err)
		}
		if ok, _ := fx.mod.HasBlocked(ctx, b, a); ok {
			t.Error("blocking went both ways")
		}
		// The blocked member is told nothing.
		if n := fx.count(`SELECT COUNT(*) FROM notifications WHERE member_id = ?`, b); n != 0 {
			t.Errorf("the blocked member got %d notifications", n)
		}
		if err := fx.mod.Unblock(ctx, a, b); err != nil {
			t.Fatal(err)
		}
		if ok, _ := fx.mod.HasBlocked(ctx, a, b); ok {
			t.Error("still blocked after unblocking")
		}
	})
}

func TestMemberData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fx := newFixture(t, d)
		reg := memberdata.NewRegistry(d)
		reg.Register(accounts.DataPart{Store: fx.acc})
		reg.Register(moderation.DataPart{Store: fx.mod})
		m := fx.members["member"]
		if _, err := fx.mod.Report(ctx, m, moderation.TargetGroup, fx.group.ID, moderation.ReportInput{Reason: moderation.Hate, Details: "the about text"}); err != nil {
			t.Fatal(err)
		}
		fx.mod.Block(ctx, m.ID, fx.members["gmember"].ID)
		fx.mod.Block(ctx, fx.members["author"].ID, m.ID)
		until := time.Now().Add(24 * time.Hour)
		if err := fx.mod.Suspend(ctx, fx.members["sitemod"], m, &until, "cooling off"); err != nil {
			t.Fatal(err)
		}
		doc, err := reg.Export(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(doc["moderation"])
		js := string(b)
		for _, want := range []string{`"reason":"hate"`, `"details":"the about text"`, `"handle":"gmember"`, `"reason":"cooling off"`} {
			if !strings.Contains(js, want) {
				t.Errorf("export lacks %s:\n%s", want, js)
			}
		}
		if strings.Contains(js, "author") {
			t.Errorf("export names a member who blocked them:\n%s", js)
		}

		if err := reg.Erase(ctx, m.ID, memberdata.Remove); err != nil {
			t.Fatal(err)
		}
		if n := fx.count(`SELECT COUNT(*) FROM reports WHERE reporter_id IS NULL AND details = ''`); n != 1 {
			t.Errorf("the report was not kept without its reporter and words (%d)", n)
		}
		if n := fx.count(`SELECT COUNT(*) FROM member_blocks`); n != 0 {
			t.Errorf("%d blocks left", n)
		}
	})
}
