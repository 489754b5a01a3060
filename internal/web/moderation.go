package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"involve/internal/accounts"
	"involve/internal/audit"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/i18n"
	"involve/internal/moderation"
)

// Moderation and safety: members report what breaks the community rules;
// group moderators (for content in their group) and site moderators hide
// and restore it with a reason; members block others; site moderators
// suspend accounts. Who may act on what is decided in package moderation;
// here each handler finds the thing in the path and asks.
func (s *Server) moderationRoutes() []route {
	return []route{
		{"GET /rules", Anyone, s.rulesPage},
		{"GET /report", SignedIn, s.reportForm},
		{"POST /reports", SignedIn, s.createReport},
		{"GET /me/reports", SignedIn, s.myReports},
		{"GET /me/blocks", SignedIn, s.myBlocks},
		{"POST /members/{handle}/block", SignedIn, s.blockMember},
		{"POST /members/{handle}/unblock", SignedIn, s.unblockMember},
		{"GET /moderation", SiteModerator, s.moderationHome},
		{"GET /groups/{slug}/moderation", SignedIn, s.groupModeration},
		{"GET /moderation/{type}/{id}", SignedIn, s.moderationTarget},
		{"POST /moderation/{type}/{id}/hide", SignedIn, s.hideTarget},
		{"POST /moderation/{type}/{id}/restore", SignedIn, s.restoreTarget},
		{"POST /moderation/reports/{id}/dismiss", SignedIn, s.dismissReport},
		{"POST /moderation/members/{handle}/suspend", SiteModerator, s.suspendMember},
		{"POST /moderation/members/{handle}/unsuspend", SiteModerator, s.unsuspendMember},
	}
}

// ---- pieces other pages show ----

// ReportLink is the "Report" link beside a post, a thread or a group, for
// the "report-link" partial: {{template "report-link" ($.ReportLink "post" .ID)}}.
type ReportLink struct {
	URL   string
	Label string
}

// ReportLink builds the link to report a target of kind.
func (b *Base) ReportLink(kind string, id int64) ReportLink {
	return ReportLink{URL: "/report?type=" + kind + "&id=" + strconv.FormatInt(id, 10), Label: b.T("moderation.link." + kind)}
}

// HiddenNotice is what readers see in place of hidden content, for the
// "hidden-notice" partial: {{template "hidden-notice" ($.HiddenNotice .HiddenReason)}}.
func (b *Base) HiddenNotice(reason string) string { return b.T("moderation.hidden_notice", reason) }

// memberTools are the block button and, for site moderators, the
// suspension state shown on a member's page.
type memberTools struct {
	Handle     string
	CanBlock   bool // the reader is signed in and not this member
	Blocked    bool
	Moderator  bool // the reader may suspend
	Suspension *accounts.Suspension
}

func (s *Server) memberTools(r *http.Request, subject *accounts.Member) (memberTools, error) {
	t := memberTools{Handle: subject.Handle}
	m := state(r).member
	if m == nil || m.ID == subject.ID {
		return t, nil
	}
	t.CanBlock = true
	var err error
	if t.Blocked, err = s.Moderation.HasBlocked(r.Context(), m.ID, subject.ID); err != nil {
		return t, err
	}
	if m.IsModerator() {
		t.Moderator = true
		if t.Suspension, err = s.Accounts.Suspended(r.Context(), s.DB, subject.ID); err != nil {
			return t, err
		}
	}
	return t, nil
}

// suspendedField puts the reason sign-in was refused next to the handle.
func suspendedField(f *Form, p *i18n.Printer, se *accounts.SuspendedError) {
	if se.Until == nil {
		f.FailWith("handle", "login.suspended_indefinitely", se.Reason)
		return
	}
	f.FailWith("handle", "login.suspended", p.Date(*se.Until), se.Reason)
}

// ---- the community rules ----

// ruleKeys are the community rules in the order the page shows them.
var ruleKeys = []string{"respect", "outing", "drugs", "judging", "hate", "private", "moderators", "report"}

type rulesPage struct {
	Base
	Rules []string
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	p := &rulesPage{Rules: ruleKeys}
	p.Title = state(r).p.T("rules.title")
	return s.render(w, r, http.StatusOK, "rules", p)
}

// ---- reporting ----

// target is a reportable thing named in a request.
type target struct {
	Kind string
	ID   int64
	Loc  moderation.Located
	Gone bool // it no longer exists (its author deleted it)
}

// findTarget reads a kind and id and locates the target; an unknown kind,
// a bad id or a missing target is not found, and so is one the reader may
// not see (content of a secret or members-only group they are not in).
func (s *Server) findTarget(r *http.Request, kind, rawID string) (*target, error) {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound()
	}
	if _, ok := s.Moderation.Target(kind); !ok {
		return nil, notFound()
	}
	loc, err := s.Moderation.Locate(r.Context(), kind, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.Moderation.CanSee(r.Context(), state(r).member, kind, id, loc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound()
	}
	return &target{Kind: kind, ID: id, Loc: loc}, nil
}

// reasonChoice is one radio button of the report form.
type reasonChoice struct {
	Value, Label, Hint string
	Checked            bool
}

type reportPage struct {
	Base
	Form        *Form
	Target      *target
	Reasons     []reasonChoice
	ReasonError string
	Existing    *moderation.Report // the reader's open report about it
	CanModerate bool
}

func (s *Server) reportPage(r *http.Request, t *target, f *Form) (*reportPage, error) {
	pt := state(r).p
	p := &reportPage{Form: f, Target: t}
	for _, v := range moderation.Reasons {
		p.Reasons = append(p.Reasons, reasonChoice{Value: v, Label: pt.T("moderation.reason." + v + ".label"),
			Hint: pt.T("moderation.reason." + v + ".hint"), Checked: f.Values.Get("reason") == v})
	}
	if key, ok := f.Errors["reason"]; ok {
		p.ReasonError = pt.T(key)
	}
	m := state(r).member
	var err error
	if p.CanModerate, err = s.Moderation.CanModerate(r.Context(), m, t.Kind, t.Loc); err != nil {
		return nil, err
	}
	ex, err := s.Moderation.OpenReportBy(r.Context(), m.ID, t.Kind, t.ID)
	switch {
	case err == nil:
		p.Existing = ex
	case !errors.Is(err, db.ErrNotFound):
		return nil, err
	}
	p.Title = pt.T("moderation.report.title")
	return p, nil
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	t, err := s.findTarget(r, q.Get("type"), q.Get("id"))
	if err != nil {
		return err
	}
	p, err := s.reportPage(r, t, newForm())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "report", p)
}

func (s *Server) createReport(w http.ResponseWriter, r *http.Request) error {
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	t, err := s.findTarget(r, f.Get("type"), f.Get("id"))
	if err != nil {
		return err
	}
	in := moderation.ReportInput{Reason: f.Get("reason"), Details: f.Get("details")}
	for field, key := range in.Check() {
		f.Fail(field, key)
	}
	if f.Valid() {
		_, err := s.Moderation.Report(r.Context(), state(r).member, t.Kind, t.ID, in)
		switch {
		case errors.Is(err, moderation.ErrAlreadyReported):
			// Sent twice (a double click): the first one stands.
			return redirect(w, r, t.Loc.URL, "moderation.report.already")
		case errors.Is(err, moderation.ErrHidden):
			f.Fail("reason", "moderation.report.hidden")
		case err != nil:
			return err
		default:
			return redirect(w, r, t.Loc.URL, "moderation.report.sent")
		}
	}
	p, err := s.reportPage(r, t, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "report", p)
}

type myReportsPage struct {
	Base
	Reports []*moderation.Report
}

func (s *Server) myReports(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.Moderation.ReportsBy(r.Context(), state(r).member.ID)
	if err != nil {
		return err
	}
	p := &myReportsPage{Reports: rs}
	p.Title = state(r).p.T("moderation.mine.title")
	p.Nav = "me"
	return s.render(w, r, http.StatusOK, "reports_mine", p)
}

// ---- blocking ----

type blocksPage struct {
	Base
	Blocks []moderation.Block
}

func (s *Server) myBlocks(w http.ResponseWriter, r *http.Request) error {
	bs, err := s.Moderation.Blocks(r.Context(), state(r).member.ID)
	if err != nil {
		return err
	}
	p := &blocksPage{Blocks: bs}
	p.Title = state(r).p.T("moderation.blocks.title")
	p.Nav = "me"
	return s.render(w, r, http.StatusOK, "blocks", p)
}

func (s *Server) blockMember(w http.ResponseWriter, r *http.Request) error {
	return s.setBlock(w, r, true)
}
func (s *Server) unblockMember(w http.ResponseWriter, r *http.Request) error {
	return s.setBlock(w, r, false)
}

// setBlock blocks or unblocks the member in the path. Nobody else is told.
func (s *Server) setBlock(w http.ResponseWriter, r *http.Request, block bool) error {
	subject, err := s.Accounts.ByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	m := state(r).member
	back := "/members/" + subject.Handle
	if ret := f.Get("return"); ret != "" {
		back = localPath(ret)
	}
	if !block {
		if err := s.Moderation.Unblock(r.Context(), m.ID, subject.ID); err != nil {
			return err
		}
		return redirect(w, r, back, "moderation.unblock.done")
	}
	err = s.Moderation.Block(r.Context(), m.ID, subject.ID)
	if errors.Is(err, moderation.ErrSelf) {
		return badRequest("moderation.block.self")
	}
	if err != nil {
		return err
	}
	return redirect(w, r, back, "moderation.block.done")
}

// ---- the moderators' queues ----

// queueItem is one reported target with its open reports.
type queueItem struct {
	Kind    string
	ID      int64
	Target  moderation.Located
	Gone    bool
	Reports []*moderation.Report
}

// queue groups open reports by target, newest report first.
func queue(rs []*moderation.Report) []*queueItem {
	var out []*queueItem
	at := map[string]*queueItem{}
	for _, r := range rs {
		k := r.TargetType + "/" + strconv.FormatInt(r.TargetID, 10)
		it, ok := at[k]
		if !ok {
			it = &queueItem{Kind: r.TargetType, ID: r.TargetID, Target: r.Target, Gone: r.Gone}
			at[k] = it
			out = append(out, it)
		}
		it.Reports = append(it.Reports, r)
	}
	return out
}

type moderationPage struct {
	Base
	Group        *groups.Group // the group whose queue this is; nil for the whole site
	Items        []*queueItem
	Handled      []*moderation.Report
	ShowReporter bool // site moderators see who reported; a group's moderators do not
	Return       string

	// Site moderators only: suspensions.
	Suspensions []accounts.Suspension
	FindForm    *Form
	Subject     *accounts.Member
	SubjectSusp *accounts.Suspension
	SuspendForm *Form
}

const queueLimit = 100

func (s *Server) fillQueue(r *http.Request, p *moderationPage) error {
	var gid *int64
	if p.Group != nil {
		gid = &p.Group.ID
	}
	open, err := s.Moderation.Reports(r.Context(), moderation.Queue{GroupID: gid, Status: moderation.Open, Limit: queueLimit})
	if err != nil {
		return err
	}
	p.Items = queue(open)
	p.Handled, err = s.Moderation.Reports(r.Context(), moderation.Queue{GroupID: gid, Limit: 20})
	return err
}

// sitePage builds /moderation; subject is the member the suspension form
// is for, if one was looked up.
func (s *Server) sitePage(r *http.Request, find, suspend *Form, subject *accounts.Member) (*moderationPage, error) {
	p := &moderationPage{ShowReporter: true, Return: "/moderation", FindForm: find, SuspendForm: suspend, Subject: subject}
	if err := s.fillQueue(r, p); err != nil {
		return nil, err
	}
	var err error
	if p.Suspensions, err = s.Accounts.Suspensions(r.Context()); err != nil {
		return nil, err
	}
	if subject != nil {
		if p.SubjectSusp, err = s.Accounts.Suspended(r.Context(), s.DB, subject.ID); err != nil {
			return nil, err
		}
	}
	p.Title = state(r).p.T("moderation.title")
	p.Nav = "moderation"
	return p, nil
}

func (s *Server) moderationHome(w http.ResponseWriter, r *http.Request) error {
	find := newForm()
	status := http.StatusOK
	var subject *accounts.Member
	if h := strings.TrimSpace(r.URL.Query().Get("handle")); h != "" {
		find.Values.Set("handle", h)
		var err error
		subject, err = s.Accounts.ByHandle(r.Context(), h)
		switch {
		case errors.Is(err, db.ErrNotFound):
			find.Fail("handle", "moderation.find.no_member")
			status = http.StatusUnprocessableEntity
		case err != nil:
			return err
		}
	}
	p, err := s.sitePage(r, find, newForm(), subject)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "moderation", p)
}

func (s *Server) groupModeration(w http.ResponseWriter, r *http.Request) error {
	g, a, err := s.moderatedGroup(r)
	if err != nil {
		return err
	}
	p := &moderationPage{Group: g, ShowReporter: a.Viewer.SiteModerator, Return: "/groups/" + g.Slug + "/moderation"}
	if err := s.fillQueue(r, p); err != nil {
		return err
	}
	p.Title = state(r).p.T("moderation.group.title", g.Name)
	return s.render(w, r, http.StatusOK, "moderation", p)
}

// moderatedGroup finds the group in the path for one of its moderators:
// a group the reader may not know of is not found, one they do not
// moderate is forbidden.
func (s *Server) moderatedGroup(r *http.Request) (*groups.Group, groups.Access, error) {
	g, err := s.Groups.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, db.ErrNotFound) {
		return nil, groups.Access{}, notFound()
	}
	if err != nil {
		return nil, groups.Access{}, err
	}
	m := state(r).member
	a, err := s.Groups.Access(r.Context(), g, groups.Viewer{MemberID: m.ID, SiteModerator: m.IsModerator()})
	if err != nil {
		return nil, a, err
	}
	if !a.CanSee() {
		return nil, a, notFound()
	}
	if !a.CanModerate() {
		return nil, a, forbidden()
	}
	return g, a, nil
}

// ---- one target ----

type targetPage struct {
	Base
	Target       *target
	Reports      []*moderation.Report
	Entries      []audit.Entry // what moderators did to it, for the "audit-table" partial
	ShowReporter bool
	Return       string
	ActionForm   *Form // the hide or restore form
	DismissForm  *Form // a dismiss form that failed, for report DismissID
	DismissID    int64
}

// moderatedTarget finds the target in the path for a moderator of it.
// Content the reader may not see is not found; content they see but do
// not moderate is forbidden.
func (s *Server) moderatedTarget(r *http.Request) (*target, error) {
	t, err := s.findTarget(r, r.PathValue("type"), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	ok, err := s.Moderation.CanModerate(r.Context(), state(r).member, t.Kind, t.Loc)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, forbidden()
	}
	return t, nil
}

func (s *Server) targetPage(r *http.Request, t *target, action *Form) (*targetPage, error) {
	p := &targetPage{Target: t, ActionForm: action, ShowReporter: state(r).member.IsModerator(),
		Return: "/moderation/" + t.Kind + "/" + strconv.FormatInt(t.ID, 10)}
	var err error
	if p.Reports, err = s.Moderation.ReportsOn(r.Context(), t.Kind, t.ID); err != nil {
		return nil, err
	}
	if p.Entries, err = s.Moderation.History(r.Context(), t.Kind, t.ID, 20); err != nil {
		return nil, err
	}
	p.Title = state(r).p.T("moderation.target.title", t.Loc.Title)
	return p, nil
}

func (s *Server) moderationTarget(w http.ResponseWriter, r *http.Request) error {
	t, err := s.moderatedTarget(r)
	if err != nil {
		return err
	}
	p, err := s.targetPage(r, t, newForm())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "moderation_target", p)
}

func (s *Server) hideTarget(w http.ResponseWriter, r *http.Request) error {
	return s.hideOrRestore(w, r, true)
}
func (s *Server) restoreTarget(w http.ResponseWriter, r *http.Request) error {
	return s.hideOrRestore(w, r, false)
}

// hideOrRestore hides or restores the target in the path, with the reason
// readers (hiding) or the audit log (both) are shown. A missing reason is
// shown next to the field on the target's moderation page.
func (s *Server) hideOrRestore(w http.ResponseWriter, r *http.Request, hide bool) error {
	t, err := s.moderatedTarget(r)
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	reason := f.Get("reason")
	if key := moderation.CheckReason(reason, true); key != "" {
		f.Fail("reason", key)
	}
	if f.Valid() {
		m := state(r).member
		flash := "moderation.hide.done"
		if hide {
			err = s.Moderation.Hide(r.Context(), m, t.Kind, t.ID, reason)
		} else {
			flash = "moderation.restore.done"
			err = s.Moderation.Restore(r.Context(), m, t.Kind, t.ID, reason)
		}
		switch {
		case errors.Is(err, moderation.ErrAlreadyHidden):
			f.Fail("reason", "moderation.hide.already")
		case errors.Is(err, moderation.ErrNotHidden):
			f.Fail("reason", "moderation.restore.not_hidden")
		case errors.Is(err, moderation.ErrForbidden):
			return forbidden()
		case err != nil:
			return err
		default:
			back := "/moderation/" + t.Kind + "/" + strconv.FormatInt(t.ID, 10)
			if ret := f.Get("return"); ret != "" {
				back = localPath(ret)
			}
			return redirect(w, r, back, flash)
		}
		// The state changed under the form; show it as it is now.
		if t.Loc, err = s.Moderation.Locate(r.Context(), t.Kind, t.ID); err != nil {
			return err
		}
	}
	p, err := s.targetPage(r, t, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "moderation_target", p)
}

// dismissReport closes a report without hiding anything.
func (s *Server) dismissReport(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound()
	}
	rep, err := s.Moderation.ReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	m := state(r).member
	if ok, err := s.Moderation.CanHandle(r.Context(), m, rep); err != nil {
		return err
	} else if !ok {
		// Reports are moderators' business: to anyone else they do not exist.
		return notFound()
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	note := f.Get("note")
	if key := moderation.CheckReason(note, false); key != "" {
		f.Fail("note", key)
	}
	back := "/moderation"
	if ret := f.Get("return"); ret != "" {
		back = localPath(ret)
	}
	if f.Valid() {
		_, err := s.Moderation.Dismiss(r.Context(), m, rep.ID, note)
		switch {
		case errors.Is(err, moderation.ErrHandled):
			return redirect(w, r, back, "moderation.dismiss.already")
		case err != nil:
			return err
		}
		return redirect(w, r, back, "moderation.dismiss.done")
	}
	t := &target{Kind: rep.TargetType, ID: rep.TargetID}
	t.Loc, err = s.Moderation.Locate(r.Context(), t.Kind, t.ID)
	switch {
	case errors.Is(err, db.ErrNotFound), errors.Is(err, moderation.ErrUnknownTarget):
		t.Gone = true
	case err != nil:
		return err
	}
	p, err := s.targetPage(r, t, newForm())
	if err != nil {
		return err
	}
	p.DismissForm, p.DismissID = f, rep.ID
	return s.render(w, r, http.StatusUnprocessableEntity, "moderation_target", p)
}

// ---- suspensions ----

func (s *Server) suspendMember(w http.ResponseWriter, r *http.Request) error {
	subject, err := s.Accounts.ByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	m := state(r).member
	var until *time.Time
	if v := f.Get("until"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, time.UTC)
		switch {
		case err != nil:
			f.Fail("until", "moderation.suspend.until_invalid")
		case !t.After(time.Now()):
			f.Fail("until", "moderation.suspend.until_past")
		default:
			until = &t
		}
	}
	reason := f.Get("reason")
	if key := moderation.CheckReason(reason, true); key != "" {
		f.Fail("reason", key)
	}
	switch err := moderation.MaySuspend(m, subject); {
	case errors.Is(err, moderation.ErrSelf):
		f.Fail("subject", "moderation.suspend.self")
	case errors.Is(err, moderation.ErrForbidden):
		f.Fail("subject", "moderation.suspend.role")
	}
	if f.Valid() {
		err := s.Moderation.Suspend(r.Context(), m, subject, until, reason)
		switch {
		case errors.Is(err, moderation.ErrPastDate):
			f.Fail("until", "moderation.suspend.until_past")
		case err != nil:
			return err
		default:
			return redirect(w, r, "/moderation", "moderation.suspend.done")
		}
	}
	find := newForm()
	find.Values.Set("handle", subject.Handle)
	p, err := s.sitePage(r, find, f, subject)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, "moderation", p)
}

func (s *Server) unsuspendMember(w http.ResponseWriter, r *http.Request) error {
	subject, err := s.Accounts.ByHandle(r.Context(), r.PathValue("handle"))
	if err != nil {
		return err
	}
	f, err := parseForm(r)
	if err != nil {
		return err
	}
	note := f.Get("note")
	if moderation.CheckReason(note, false) != "" {
		note = string([]rune(note)[:moderation.ReasonMax])
	}
	err = s.Moderation.Unsuspend(r.Context(), state(r).member, subject, note)
	switch {
	case errors.Is(err, moderation.ErrNotSuspended):
		return redirect(w, r, "/moderation", "moderation.unsuspend.not_suspended")
	case err != nil:
		return err
	}
	return redirect(w, r, "/moderation", "moderation.unsuspend.done")
}
