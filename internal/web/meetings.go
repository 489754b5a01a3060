package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"involve/internal/accounts"
	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/guide"
	"involve/internal/i18n"
	"involve/internal/meetings"
)

// Meetings: the list, a meeting's page (and its .ics), arranging and
// changing one (meetings_form.go), registering (meetings_register.go),
// agenda and minutes (meetings_notes.go), attendance and payments
// (meetings_money.go) and calendar feeds (meetings_calendar.go). Who may
// do what is decided in package meetings; a meeting the reader may not
// know of is not found.
func (s *Server) meetingRoutes() []route {
	return []route{
		{"GET /meetings", Anyone, s.meetingList},
		{"GET /meetings/new", SignedIn, s.meetingNewForm},
		{"POST /meetings/new", SignedIn, s.createMeeting},
		// Also /meetings/{id}.ics: a wildcard is a whole path segment, so
		// the handler serves the calendar file by the segment's suffix.
		{"GET /meetings/{id}", Anyone, s.meetingPage},
		{"GET /meetings/{id}/edit", SignedIn, s.meetingEditForm},
		{"POST /meetings/{id}/edit", SignedIn, s.updateMeeting},
		{"GET /meetings/{id}/cancel", SignedIn, s.meetingCancelForm},
		{"POST /meetings/{id}/cancel", SignedIn, s.cancelMeeting},

		{"POST /meetings/{id}/register", Anyone, s.registerForMeeting},
		{"POST /meetings/{id}/registration", SignedIn, s.updateMyRegistration},
		{"POST /meetings/{id}/unregister", SignedIn, s.unregisterFromMeeting},
		{"GET /meetings/{id}/manage/{code}", Anyone, s.meetingManagePage},
		{"POST /meetings/{id}/manage/{code}", Anyone, s.meetingManage},
		{"GET /meetings/{id}/registrations", SignedIn, s.meetingRegistrations},
		{"POST /meetings/{id}/registrations/{reg}", SignedIn, s.decideMeetingRegistration},
		{"POST /meetings/{id}/invitations", SignedIn, s.inviteToMeeting},
	}
}

// meetingAllRoutes is every meetings route, for the route table.
func (s *Server) meetingAllRoutes() []route {
	var rs []route
	for _, part := range [][]route{s.meetingRoutes(), s.meetingNoteRoutes(), s.meetingMoneyRoutes(), s.meetingCalendarRoutes()} {
		rs = append(rs, part...)
	}
	return rs
}

// meetingViewer is the reader as package meetings sees them.
func meetingViewer(m *accounts.Member) meetings.Viewer {
	if m == nil {
		return meetings.Viewer{}
	}
	return meetings.Viewer{MemberID: m.ID, SiteModerator: m.IsAdmin() || m.HasRole(accounts.RoleModerator)}
}

// numPathValue reads a numeric path value; anything else is not found.
func numPathValue(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound()
	}
	return id, nil
}

// loadMeetingID finds meeting id and what the reader may do with it. A
// meeting of a group the reader may not know of is not found; one of a
// members-only group is closed (forbidden) to outsiders.
func (s *Server) loadMeetingID(r *http.Request, id int64) (meetings.Access, error) {
	m, err := s.Meetings.Meeting(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return meetings.Access{}, notFound()
	}
	if err != nil {
		return meetings.Access{}, err
	}
	a, err := s.Meetings.Access(r.Context(), m, meetingViewer(state(r).member))
	if err != nil {
		return a, err
	}
	if !a.CanSee() {
		if a.GroupAccess != nil && a.GroupAccess.CanSee() {
			return a, forbidden()
		}
		return a, notFound()
	}
	return a, nil
}

// loadMeeting is loadMeetingID for the meeting in the path.
func (s *Server) loadMeeting(r *http.Request) (meetings.Access, error) {
	id, err := numPathValue(r, "id")
	if err != nil {
		return meetings.Access{}, err
	}
	return s.loadMeetingID(r, id)
}

// loadOrganised is loadMeeting for the meeting's organisers only.
func (s *Server) loadOrganised(r *http.Request) (meetings.Access, error) {
	a, err := s.loadMeeting(r)
	if err != nil {
		return a, err
	}
	if !a.Organiser {
		return a, forbidden()
	}
	return a, nil
}

// meetingError turns the store's refusals into pages: who may not is
// forbidden, what is no longer possible is a conflict.
func meetingError(err error) error {
	switch {
	case errors.Is(err, meetings.ErrNotOrganiser), errors.Is(err, meetings.ErrNotVerified), errors.Is(err, meetings.ErrNotAllowed):
		return forbidden()
	case errors.Is(err, meetings.ErrCancelled):
		return &httpError{status: http.StatusConflict, msg: "meetings.error.cancelled", err: err}
	case errors.Is(err, meetings.ErrPast):
		return &httpError{status: http.StatusConflict, msg: "meetings.error.past", err: err}
	case errors.Is(err, meetings.ErrNotStarted):
		return &httpError{status: http.StatusConflict, msg: "meetings.error.not_started", err: err}
	case errors.Is(err, meetings.ErrNotRegistered), errors.Is(err, meetings.ErrNotPending):
		return &httpError{status: http.StatusConflict, msg: "meetings.error.changed", err: err}
	case errors.Is(err, db.ErrNotFound):
		return notFound()
	}
	return err
}

// ---- how a meeting's time reads ----

// when says when a meeting is, in its own zone, in the reader's language:
// "Tuesday 3 March 2026, 18:00–20:00".
func when(p *i18n.Printer, m *meetings.Meeting) string {
	st, en := m.LocalStart(), m.LocalEnd()
	day := func(t time.Time) string {
		return p.T("meetings.day", p.T("meetings.weekday."+strconv.Itoa(int(t.Weekday()))), p.Date(t))
	}
	if st.Year() == en.Year() && st.YearDay() == en.YearDay() {
		return p.T("meetings.when_same_day", day(st), st.Format("15:04"), en.Format("15:04"))
	}
	return p.T("meetings.when_days", day(st), st.Format("15:04"), day(en), en.Format("15:04"))
}

// amount shows minor units of a currency for people: "25.50 EUR".
func amount(minor int64, currency string) string { return meetings.FormatAmount(minor, currency) }

// ---- a meeting's page ----

type meetingPage struct {
	Base
	Meeting        *meetings.Meeting
	When, ZoneName string
	SeriesNote     string
	About          template.HTML
	OrganiserURL   string
	FeedURL        string // the organiser's public calendar
	OnlineLink     string // only for who may see it
	Interpretation []facetValue
	Honorarium     string
	CountText      string   // how many registered, when shown
	Shown          []string // names of attendees who chose to show them, or every name for organisers
	Mine           *meetings.Registration
	Position       int    // the reader's place on the waiting list
	Closed         string // why the reader cannot register, "" when they can
	Organiser      bool
	Form           *Form

	Agenda      []meetings.AgendaItem
	Attachments []meetings.Attachment
	HasMinutes  bool
	Minutes     template.HTML
	Decisions   []meetings.Decision
	Actions     []meetings.ActionPoint
}

// RegistrationState says where the reader's registration stands.
func (p *meetingPage) RegistrationState(r *meetings.Registration) string {
	return registrationState(&p.Base, r, p.Position)
}

func registrationState(b *Base, r *meetings.Registration, position int) string {
	if r.Status == meetings.Waiting {
		return b.T("meetings.state.waiting_at", position)
	}
	return b.T("meetings.state." + r.Status)
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("id")
	if strings.HasSuffix(raw, ".ics") {
		id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".ics"), 10, 64)
		if err != nil || id <= 0 {
			return notFound()
		}
		return s.meetingICS(w, r, id)
	}
	a, err := s.loadMeeting(r)
	if err != nil {
		return err
	}
	return s.showMeeting(w, r, a, newForm(), http.StatusOK)
}

func (s *Server) showMeeting(w http.ResponseWriter, r *http.Request, a meetings.Access, f *Form, status int) error {
	ctx := r.Context()
	st := state(r)
	m := a.Meeting
	now := time.Now()
	p := &meetingPage{Meeting: m, When: when(st.p, m), ZoneName: zoneLabel(m.TimeZone), About: guide.RenderHTML(m.Description),
		Organiser: a.Organiser, Mine: a.Registration, Form: f}
	p.OrganiserURL, p.FeedURL = organiserPaths(m)
	if m.GroupID != nil && (m.GroupVisibility != groups.Public || m.GroupHidden) {
		p.FeedURL = "" // the group's feed holds only what the public may see
	}
	for _, l := range m.Interpretation {
		p.Interpretation = append(p.Interpretation, languageFacet(l, 0))
	}
	if m.HonorariumAmount > 0 {
		p.Honorarium = amount(m.HonorariumAmount, m.HonorariumCurrency)
	}
	if m.SeriesID != nil {
		p.SeriesNote = st.p.T("meetings.series_note")
	}
	var err error
	if m.HasOnline && a.SeesOnlineLink() {
		if p.OnlineLink, err = s.Meetings.OnlineLink(ctx, m.ID, a.Viewer); err != nil && !errors.Is(err, meetings.ErrNotAllowed) {
			return err
		}
	}
	if p.Mine != nil {
		if p.Position, err = s.Meetings.WaitingPosition(ctx, p.Mine); err != nil {
			return err
		}
		// The reader's own note and choice, to change.
		if _, typed := f.Values["note"]; !typed {
			f.Values.Set("note", p.Mine.Note)
			if p.Mine.ShowName {
				f.Values.Set("show_name", "1")
			}
		}
	}
	if m.ShowCount || a.Organiser {
		p.CountText = st.p.N("meetings.count.registered", m.Registered)
		if m.Capacity > 0 {
			p.CountText += " " + st.p.N("meetings.count.seats_left", m.SeatsLeft())
		}
		if m.Waiting > 0 {
			p.CountText += " " + st.p.N("meetings.count.waiting", m.Waiting)
		}
	}
	if a.Organiser {
		regs, err := s.Meetings.Registrations(ctx, m.ID, a.Viewer.MemberID)
		if err != nil {
			return err
		}
		for _, reg := range regs {
			if reg.Status == meetings.Registered {
				p.Shown = append(p.Shown, regName(reg))
			}
		}
	} else {
		shown, err := s.Meetings.ShownAttendees(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, reg := range shown {
			p.Shown = append(p.Shown, regName(reg))
		}
	}
	switch {
	case m.IsCancelled():
		p.Closed = st.p.T("meetings.closed.cancelled")
	case m.HasStarted(now):
		p.Closed = st.p.T("meetings.closed.started")
	case m.Registration == meetings.RegisterInvitation && !a.Invited:
		p.Closed = st.p.T("meetings.closed.invitation")
	case a.Viewer.MemberID == 0 && a.GroupAccess != nil && !a.GroupAccess.CanSeeContent():
		p.Closed = st.p.T("meetings.closed.members")
	}
	if err := s.fillNotes(r, p); err != nil {
		return err
	}
	p.Title = m.Title
	p.Nav = "meetings"
	return s.render(w, r, status, "meeting", p)
}

// regName is how a registration is named on pages: a member by handle
// (display names have their own visibility), a peer by their alias.
func regName(r *meetings.Registration) string {
	if r.Handle != "" {
		return r.Handle
	}
	return r.Alias
}

// organiserPaths are the pages of who arranges m and of their public
// calendar feed.
func organiserPaths(m *meetings.Meeting) (page, feed string) {
	if m.GroupID != nil {
		return "/groups/" + m.GroupSlug, "/groups/" + m.GroupSlug + "/meetings.ics"
	}
	return "/organisations/" + m.OrgSlug, "/organisations/" + m.OrgSlug + "/meetings.ics"
}

// ---- the list ----

// meetingsPerPage is how many meetings one page of the list shows.
const meetingsPerPage = 20

// meetingCard is one meeting in a list.
type meetingCard struct {
	*Base
	Meeting        *meetings.Meeting
	When           string
	SupportSummary string
}

func newMeetingCard(b *Base, m *meetings.Meeting) meetingCard {
	c := meetingCard{Base: b, Meeting: m, When: when(b.p, m)}
	var parts []string
	for _, x := range []struct {
		on  bool
		key string
	}{{m.Travel != "", "travel"}, {m.Food != "", "food"}, {m.Childcare != "", "childcare"},
		{len(m.Interpretation) > 0, "interpretation"}, {m.SignLanguage != "", "sign_language"}, {m.HasHonorarium(), "honorarium"}} {
		if x.on {
			parts = append(parts, b.T("meetings.card."+x.key))
		}
	}
	c.SupportSummary = strings.Join(parts, ", ")
	return c
}

// arrangePlace is a group or organisation the reader may arrange for.
type arrangePlace struct{ Name, URL string }

type meetingListPage struct {
	Base
	FacetsHTML       template.HTML // the filter lists
	Meetings         []*meetings.Meeting
	Total            int
	Filtered, Past   bool
	PrevURL, NextURL string
	UpcomingURL      string
	PastURL          string
	ClearURL         string
	Places           []arrangePlace
}

// Card is a meeting as the list shows it.
func (p *meetingListPage) Card(m *meetings.Meeting) meetingCard { return newMeetingCard(&p.Base, m) }

func (s *Server) meetingList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st := state(r)
	q := r.URL.Query()
	cur := map[string]string{}
	for _, k := range []string{"region", "language", "mode", "group", "organisation"} {
		v := strings.TrimSpace(cleanText(q.Get(k)))
		if len(v) > groups.ListMax {
			v = ""
		}
		cur[k] = v
	}
	if !contains(meetings.Modes, cur["mode"]) {
		cur["mode"] = ""
	}
	past := q.Get("when") == "past"
	if past {
		cur["when"] = "past"
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(1, min(page, 50))
	v := meetingViewer(st.member)
	// One meeting more than a page shows tells whether there is a next.
	l, err := s.Meetings.List(ctx, v, meetings.Filter{Past: past, Region: cur["region"], Language: cur["language"],
		Mode: cur["mode"], GroupSlug: cur["group"], OrganisationSlug: cur["organisation"],
		Offset: (page - 1) * meetingsPerPage, Limit: meetingsPerPage + 1})
	if err != nil {
		return err
	}
	p := &meetingListPage{Past: past}
	p.Filtered = cur["region"] != "" || cur["language"] != "" || cur["mode"] != "" || cur["group"] != "" || cur["organisation"] != ""
	link := func(change map[string]string) string {
		qq := url.Values{}
		for k, v := range cur {
			if v != "" {
				qq.Set(k, v)
			}
		}
		for k, v := range change {
			if v == "" {
				qq.Del(k)
			} else {
				qq.Set(k, v)
			}
		}
		if len(qq) == 0 {
			return "/meetings"
		}
		return "/meetings?" + qq.Encode()
	}
	p.Meetings = l.Meetings[:min(len(l.Meetings), meetingsPerPage)]
	if page > 1 {
		prev := ""
		if page > 2 {
			prev = strconv.Itoa(page - 1)
		}
		p.PrevURL = link(map[string]string{"page": prev})
	}
	if len(l.Meetings) > meetingsPerPage && page < 50 {
		p.NextURL = link(map[string]string{"page": strconv.Itoa(page + 1)})
	}
	// The count is of this page's listing; more pages say so by a link.
	p.Total = len(p.Meetings)
	p.UpcomingURL = link(map[string]string{"when": "", "page": ""})
	p.PastURL = link(map[string]string{"when": "past", "page": ""})
	if past {
		p.ClearURL = "/meetings?when=past"
	} else {
		p.ClearURL = "/meetings"
	}

	facetBase := "/meetings"
	keep := map[string]string{}
	for k, v := range cur {
		keep[k] = v
	}
	var modes, regions, languages, grs, orgs []facetValue
	for _, x := range l.Modes {
		modes = append(modes, facetValue{Value: x.Value, Label: st.p.T("meetings.mode." + x.Value), Count: x.Count})
	}
	for _, x := range l.Regions {
		regions = append(regions, facetValue{Value: x.Value, Label: x.Value, Count: x.Count})
	}
	for _, x := range l.Languages {
		languages = append(languages, languageFacet(x.Value, x.Count))
	}
	grs = organiserFacets(l.Groups, cur["group"])
	orgs = organiserFacets(l.Organisations, cur["organisation"])
	p.FacetsHTML = facetsHTML([]facetList{
		directoryFacets(facetBase, keep, "mode", st.p.T("meetings.filter.mode"), 0, modes),
		directoryFacets(facetBase, keep, "region", st.p.T("meetings.filter.region"), 0, regions),
		directoryFacets(facetBase, keep, "language", st.p.T("meetings.filter.language"), 0, languages),
		directoryFacets(facetBase, keep, "group", st.p.T("meetings.filter.group"), 0, grs),
		directoryFacets(facetBase, keep, "organisation", st.p.T("meetings.filter.organisation"), 0, orgs),
	}, facetStyle{all: st.p.T("meetings.filter.all")})
	if p.Places, err = s.arrangePlaces(r); err != nil {
		return err
	}
	if past {
		p.Title = st.p.T("meetings.past_title")
	} else {
		p.Title = st.p.T("meetings.title")
	}
	p.Nav = "meetings"
	return s.render(w, r, http.StatusOK, "meetings", p)
}

// organiserFacetsMax is how many groups, and how many organisations, the
// list's filters name: those with the most meetings. With hundreds of
// groups arranging meetings, naming them all took the page past 40 KB;
// every group's and organisation's page lists its own meetings.
const organiserFacetsMax = 12

// organiserFacets are the filter values for who arranges the meetings,
// most meetings first, with the one chosen always among them.
func organiserFacets(all []meetings.OrganiserFacet, chosen string) []facetValue {
	var out []facetValue
	for i, o := range all {
		if i < organiserFacetsMax || strings.EqualFold(o.Slug, chosen) {
			out = append(out, facetValue{Value: o.Slug, Label: o.Name, Count: o.Count})
		}
	}
	return out
}

// arrangePlaces lists where the reader may arrange a meeting: the groups
// they moderate or run, and the verified organisations they work for.
func (s *Server) arrangePlaces(r *http.Request) ([]arrangePlace, error) {
	m := state(r).member
	if m == nil {
		return nil, nil
	}
	var out []arrangePlace
	gs, err := s.Groups.OfMember(r.Context(), m.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if g.Role == groups.Moderator || g.Role == groups.Admin {
			out = append(out, arrangePlace{Name: g.Group.Name, URL: "/meetings/new?group=" + url.QueryEscape(g.Group.Slug)})
		}
	}
	_, verified, err := s.staffOrgs(r.Context(), m)
	if err != nil {
		return nil, err
	}
	for _, o := range verified {
		out = append(out, arrangePlace{Name: o.Name, URL: "/meetings/new?organisation=" + url.QueryEscape(o.Slug)})
	}
	return out, nil
}

// ---- on group and organisation pages ----

// meetingLine is a meeting in a short list on another page.
type meetingLine struct {
	Title, Path, When string
	Cancelled         bool
}

// meetingsBox is the upcoming meetings section of a group's or an
// organisation's page.
type meetingsBox struct {
	Lines      []meetingLine
	AllURL     string // the list filtered to them
	ArrangeURL string // for who may arrange, "" for others
	FeedURL    string // their public calendar, "" when they have none
}

// meetingsBoxFor builds the box for a group (groupID) or an organisation.
func (s *Server) meetingsBoxFor(r *http.Request, o meetings.Organiser, slug string, public bool) (*meetingsBox, error) {
	if s.Meetings == nil {
		return nil, nil
	}
	ctx := r.Context()
	st := state(r)
	next, err := s.Meetings.Next(ctx, meetingViewer(st.member), o, 5)
	if err != nil {
		return nil, err
	}
	box := &meetingsBox{}
	for _, m := range next {
		box.Lines = append(box.Lines, meetingLine{Title: m.Title, Path: m.Path(), When: when(st.p, m), Cancelled: m.IsCancelled()})
	}
	kind := "group"
	base := "/groups/"
	if o.OrganisationID != 0 {
		kind, base = "organisation", "/organisations/"
	}
	box.AllURL = "/meetings?" + kind + "=" + url.QueryEscape(slug)
	if public {
		box.FeedURL = base + slug + "/meetings.ics"
	}
	if st.member != nil {
		ok, err := s.Meetings.CanArrange(ctx, st.member.ID, o)
		if err != nil {
			return nil, err
		}
		if ok {
			box.ArrangeURL = "/meetings/new?" + kind + "=" + url.QueryEscape(slug)
		}
	}
	return box, nil
}
