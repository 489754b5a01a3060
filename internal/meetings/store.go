package meetings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/langs"
	"involve/internal/notify"
	"involve/internal/organisations"
	"involve/internal/search"
)

// Store keeps meetings, series, registrations, minutes and payments.
type Store struct {
	db     *db.DB
	groups *groups.Store
	orgs   *organisations.Store
	search *search.Index
	notify *notify.Center
	now    func() time.Time
}

// NewStore returns a Store on d. Organiser rights come from gs (group
// moderators and admins) and os (staff of verified organisations); public
// meetings are kept in ix; registered members are told of changes through n.
func NewStore(d *db.DB, gs *groups.Store, os *organisations.Store, ix *search.Index, n *notify.Center) *Store {
	return &Store{db: d, groups: gs, orgs: os, search: ix, notify: n, now: time.Now}
}

// SetClock replaces the store's clock, for tests and demo data.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

const columns = `m.id, m.group_id, m.organisation_id, m.series_id, m.slot_date, m.detached, m.title, m.description, m.time_zone,
	m.starts_at, m.ends_at, m.mode, m.venue, m.address, m.directions, m.access, m.access_notes, m.online_link <> '',
	m.travel, m.food, m.childcare, m.interpretation, m.sign_language, m.honorarium_amount, m.honorarium_currency, m.honorarium_text,
	m.language, m.region, m.registration, m.capacity, m.show_count, m.status, m.cancelled_at, m.cancel_reason, m.created_by, m.created_at, m.updated_at,
	COALESCE(g.slug, ''), COALESCE(g.name, ''), COALESCE(g.visibility, ''), g.hidden_at IS NOT NULL, COALESCE(o.slug, ''), COALESCE(o.name, ''),
	(SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id AND r.status = 'registered'),
	(SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id AND r.status = 'waiting'),
	(SELECT COUNT(*) FROM meeting_registrations r WHERE r.meeting_id = m.id AND r.status = 'pending')`

const from = ` FROM meetings m LEFT JOIN groups g ON g.id = m.group_id LEFT JOIN organisations o ON o.id = m.organisation_id`

func scanMeeting(sc interface{ Scan(...any) error }) (*Meeting, error) {
	m := &Meeting{}
	var detached, showCount int
	var access, interp string
	err := sc.Scan(&m.ID, &m.GroupID, &m.OrganisationID, &m.SeriesID, &m.SlotDate, &detached, &m.Title, &m.Description, &m.TimeZone,
		&m.Start, &m.End, &m.Mode, &m.Venue, &m.Address, &m.Directions, &access, &m.AccessNotes, &m.HasOnline,
		&m.Travel, &m.Food, &m.Childcare, &interp, &m.SignLanguage, &m.HonorariumAmount, &m.HonorariumCurrency, &m.HonorariumText,
		&m.Language, &m.Region, &m.Registration, &m.Capacity, &showCount, &m.Status, &m.CancelledAt, &m.CancelReason, &m.CreatedBy, &m.CreatedAt, &m.UpdatedAt,
		&m.GroupSlug, &m.GroupName, &m.GroupVisibility, &m.GroupHidden, &m.OrgSlug, &m.OrgName,
		&m.Registered, &m.Waiting, &m.Pending)
	if err != nil {
		return nil, err
	}
	m.Detached, m.ShowCount = detached != 0, showCount != 0
	m.Access, m.Interpretation = splitList(access), splitList(interp)
	m.Start, m.End = m.Start.UTC(), m.End.UTC()
	return m, nil
}

func listMeetings(ctx context.Context, q db.Querier, query string, args ...any) ([]*Meeting, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Meeting returns one meeting, whoever looks; pages check Access.CanSee
// before showing it. ErrNotFound when there is none.
func (s *Store) Meeting(ctx context.Context, id int64) (*Meeting, error) {
	return s.meeting(ctx, s.db, id)
}

func (s *Store) meeting(ctx context.Context, q db.Querier, id int64) (*Meeting, error) {
	m, err := scanMeeting(q.QueryRow(ctx, `SELECT `+columns+from+` WHERE m.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("meetings: meeting %d: %w", id, err)
	}
	return m, nil
}

// CanArrange reports whether member may arrange meetings for o: a
// moderator or admin of the group, or staff of the organisation when it
// is verified.
func (s *Store) CanArrange(ctx context.Context, memberID int64, o Organiser) (bool, error) {
	if memberID == 0 {
		return false, nil
	}
	if o.GroupID != 0 {
		role, err := s.groups.Role(ctx, o.GroupID, memberID)
		return role == groups.Moderator || role == groups.Admin, err
	}
	if o.OrganisationID != 0 {
		org, err := s.orgs.ByID(ctx, o.OrganisationID)
		if err != nil {
			return false, err
		}
		if !org.IsVerified() {
			return false, nil
		}
		role, err := s.orgs.StaffRole(ctx, o.OrganisationID, memberID)
		return role != "", err
	}
	return false, nil
}

// organiserOf is who arranges m.
func organiserOf(m *Meeting) Organiser {
	var o Organiser
	if m.GroupID != nil {
		o.GroupID = *m.GroupID
	}
	if m.OrganisationID != nil {
		o.OrganisationID = *m.OrganisationID
	}
	return o
}

// Organises reports whether member arranges m (see CanArrange).
func (s *Store) Organises(ctx context.Context, m *Meeting, memberID int64) (bool, error) {
	return s.CanArrange(ctx, memberID, organiserOf(m))
}

func (s *Store) mustOrganise(ctx context.Context, m *Meeting, by int64) error {
	ok, err := s.Organises(ctx, m, by)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotOrganiser
	}
	return nil
}

// Access is what a viewer may do with one meeting.
type Access struct {
	Meeting      *Meeting
	Viewer       Viewer
	GroupAccess  *groups.Access // for a group's meeting
	Organiser    bool           // arranges it: edits, sees registrations and notes
	Registration *Registration  // the viewer's live registration, or nil
	Invited      bool           // the viewer was invited (invitation mode)
}

// CanSee reports whether the meeting exists for the viewer: a meeting of a
// members-only or secret group, or of a hidden group, only for the group's
// members (and site moderators, to moderate).
func (a Access) CanSee() bool {
	if a.Organiser || a.Viewer.SiteModerator {
		return true
	}
	if a.GroupAccess != nil {
		return a.GroupAccess.CanSeeContent()
	}
	return true
}

// CanRegister reports whether the viewer (a signed-in member) may register
// now; the store still checks again when they do.
func (a Access) CanRegister(now time.Time) bool {
	m := a.Meeting
	if a.Viewer.MemberID == 0 || !a.CanSee() || m.IsCancelled() || m.HasStarted(now) || a.Registration != nil {
		return false
	}
	return m.Registration != RegisterInvitation || a.Invited
}

// SeesOnlineLink reports whether the viewer may see the online link: the
// organisers, and attendees whose seat is confirmed.
func (a Access) SeesOnlineLink() bool {
	return a.Organiser || (a.Registration != nil && a.Registration.Status == Registered)
}

// Access works out what v may do with m.
func (s *Store) Access(ctx context.Context, m *Meeting, v Viewer) (Access, error) {
	a := Access{Meeting: m, Viewer: v}
	if m.GroupID != nil {
		g, err := s.groups.ByID(ctx, *m.GroupID)
		if err != nil {
			return a, err
		}
		ga, err := s.groups.Access(ctx, g, groups.Viewer{MemberID: v.MemberID, SiteModerator: v.SiteModerator})
		if err != nil {
			return a, err
		}
		a.GroupAccess = &ga
	}
	if v.MemberID == 0 {
		return a, nil
	}
	var err error
	if a.Organiser, err = s.Organises(ctx, m, v.MemberID); err != nil {
		return a, err
	}
	if r, err := s.MemberRegistration(ctx, m.ID, v.MemberID); err == nil {
		a.Registration = r
	} else if !errors.Is(err, db.ErrNotFound) {
		return a, err
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_invitations WHERE meeting_id = ? AND member_id = ?`, m.ID, v.MemberID).Scan(&n); err != nil {
		return a, err
	}
	a.Invited = n > 0
	return a, nil
}

// values are the columns Create and Update write, from checked input.
type values struct {
	title, description, zone                                    string
	start, end                                                  time.Time
	mode, venue, address, directions, access, accessNotes, link string
	travel, food, childcare, interp, sign                       string
	honAmount                                                   int64
	honCurrency, honText, language, region, registration        string
	capacity                                                    int
	showCount                                                   int
}

func (in Input) values() values {
	start, end := in.Times()
	v := values{
		title: strings.TrimSpace(in.Title), description: strings.TrimSpace(in.Description), zone: in.TimeZone,
		start: start, end: end, mode: in.Mode, registration: in.Registration,
		travel: strings.TrimSpace(in.Travel), food: strings.TrimSpace(in.Food), childcare: strings.TrimSpace(in.Childcare),
		interp: strings.Join(cleanList(in.Interpretation, langs.Codes), ","), sign: strings.TrimSpace(in.SignLanguage),
		honText: strings.TrimSpace(in.HonorariumText), language: in.Language, region: strings.TrimSpace(in.Region),
		showCount: b2i(in.ShowCount),
	}
	if in.Mode != Online {
		v.venue, v.address, v.directions = strings.TrimSpace(in.Venue), strings.TrimSpace(in.Address), strings.TrimSpace(in.Directions)
		v.access, v.accessNotes = strings.Join(cleanList(in.Access, AccessFeatures), ","), strings.TrimSpace(in.AccessNotes)
	}
	if in.Mode != InPerson {
		v.link = strings.TrimSpace(in.OnlineLink)
	}
	if a := strings.TrimSpace(in.HonorariumAmount); a != "" {
		v.honAmount, _ = ParseAmount(a, in.HonorariumCurrency)
		v.honCurrency = in.HonorariumCurrency
	}
	v.capacity, _ = strconv.Atoi(strings.TrimSpace(in.Capacity))
	return v
}

// Create arranges a single meeting for o. Who: a moderator or admin of the
// group, or staff of the verified organisation. Errors: FieldErrors when in
// does not pass Check, ErrNotOrganiser, ErrNotVerified.
func (s *Store) Create(ctx context.Context, by int64, o Organiser, in Input) (*Meeting, error) {
	if errs := in.Check(); errs != nil {
		return nil, errs
	}
	if err := s.checkOrganiser(ctx, by, o); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = s.insert(ctx, tx, by, o, nil, "", in.values())
		if err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
	if err != nil {
		return nil, fmt.Errorf("meetings: create: %w", err)
	}
	return s.Meeting(ctx, id)
}

// checkOrganiser tells an unverified organisation (ErrNotVerified) from a
// member who may not arrange (ErrNotOrganiser).
func (s *Store) checkOrganiser(ctx context.Context, by int64, o Organiser) error {
	if (o.GroupID == 0) == (o.OrganisationID == 0) {
		return errors.New("meetings: a meeting has one organiser, a group or an organisation")
	}
	if o.OrganisationID != 0 {
		org, err := s.orgs.ByID(ctx, o.OrganisationID)
		if err != nil {
			return err
		}
		if !org.IsVerified() {
			return ErrNotVerified
		}
	}
	ok, err := s.CanArrange(ctx, by, o)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotOrganiser
	}
	return nil
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func (s *Store) insert(ctx context.Context, q db.Querier, by int64, o Organiser, seriesID *int64, slot string, v values) (int64, error) {
	now := s.now()
	return db.InsertID(ctx, q, `INSERT INTO meetings (group_id, organisation_id, series_id, slot_date, title, description, time_zone,
		starts_at, ends_at, mode, venue, address, directions, access, access_notes, online_link,
		travel, food, childcare, interpretation, sign_language, honorarium_amount, honorarium_currency, honorarium_text,
		language, region, registration, capacity, show_count, status, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(o.GroupID), nullID(o.OrganisationID), seriesID, slot, v.title, v.description, v.zone,
		v.start, v.end, v.mode, v.venue, v.address, v.directions, v.access, v.accessNotes, v.link,
		v.travel, v.food, v.childcare, v.interp, v.sign, v.honAmount, v.honCurrency, v.honText,
		v.language, v.region, v.registration, v.capacity, v.showCount, Scheduled, nullID(by), now, now)
}

// update writes v over meeting id; times too unless keepTimes.
func (s *Store) update(ctx context.Context, q db.Querier, id int64, v values, detach bool) error {
	_, err := q.Exec(ctx, `UPDATE meetings SET title = ?, description = ?, time_zone = ?, starts_at = ?, ends_at = ?, mode = ?,
		venue = ?, address = ?, directions = ?, access = ?, access_notes = ?, online_link = ?,
		travel = ?, food = ?, childcare = ?, interpretation = ?, sign_language = ?, honorarium_amount = ?, honorarium_currency = ?,
		honorarium_text = ?, language = ?, region = ?, registration = ?, capacity = ?, show_count = ?, updated_at = ?,
		detached = CASE WHEN ? = 1 THEN 1 ELSE detached END
		WHERE id = ?`,
		v.title, v.description, v.zone, v.start, v.end, v.mode, v.venue, v.address, v.directions, v.access, v.accessNotes, v.link,
		v.travel, v.food, v.childcare, v.interp, v.sign, v.honAmount, v.honCurrency, v.honText, v.language, v.region,
		v.registration, v.capacity, v.showCount, s.now(), b2i(detach), id)
	return err
}

// Update changes a meeting. For an occurrence of a series this detaches
// it: later edits of the series leave it alone. Registered members are
// told when the time or place changed; a raised capacity moves the
// waiting list up. Who: the meeting's organisers. Errors: FieldErrors,
// ErrNotOrganiser, ErrCancelled, ErrNotFound.
func (s *Store) Update(ctx context.Context, id, by int64, in Input) error {
	if errs := in.Check(); errs != nil {
		return errs
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mustOrganise(ctx, m, by); err != nil {
			return err
		}
		if m.IsCancelled() {
			return ErrCancelled
		}
		v := in.values()
		if err := s.update(ctx, tx, id, v, m.SeriesID != nil); err != nil {
			return err
		}
		if err := s.afterChange(ctx, tx, m, v); err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
}

// afterChange tells registered members when the time or the place of m
// changed, and fills seats a raised capacity freed.
func (s *Store) afterChange(ctx context.Context, q db.Querier, m *Meeting, v values) error {
	if !m.Start.Equal(v.start) || !m.End.Equal(v.end) || m.Venue != v.venue || m.Address != v.address || m.Mode != v.mode {
		if err := s.tell(ctx, q, m.ID, "meeting.changed", v.title); err != nil {
			return err
		}
	}
	return s.promote(ctx, q, m.ID)
}

// tell adds a notification of kind for every member registered, waiting
// or pending for meeting id. Only the title goes with it.
func (s *Store) tell(ctx context.Context, q db.Querier, id int64, kind, title string) error {
	ids, err := memberIDs(ctx, q, `SELECT member_id FROM meeting_registrations
		WHERE meeting_id = ? AND member_id IS NOT NULL AND status IN ('registered', 'waiting', 'pending')`, id)
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.notify.Add(ctx, q, ids, kind, map[string]string{"meeting": title}, "/meetings/"+itoa(id))
}

func memberIDs(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// lockMeeting reads a meeting inside tx and holds it against other writers
// until tx ends: PostgreSQL locks the row; SQLite has a single writer, and
// Involve's write transactions begin IMMEDIATE, so it is held already.
func (s *Store) lockMeeting(ctx context.Context, tx *db.Tx, id int64) (*Meeting, error) {
	if tx.Dialect() == db.Postgres {
		var x int64
		if err := tx.QueryRow(ctx, `SELECT id FROM meetings WHERE id = ? FOR UPDATE`, id).Scan(&x); err != nil {
			return nil, fmt.Errorf("meetings: meeting %d: %w", id, err)
		}
	}
	return s.meeting(ctx, tx, id)
}

// Cancel cancels a meeting (one occurrence, for a series): it stays on its
// page, marked cancelled, and everyone registered is told. Who: the
// meeting's organisers. Errors: ErrNotOrganiser, ErrCancelled, ErrNotFound.
func (s *Store) Cancel(ctx context.Context, id, by int64) error {
	return s.CancelBecause(ctx, id, by, "")
}

// CancelBecause is Cancel with the organisers' reason, shown on the
// meeting's page and never put in a notification (which may be emailed).
// The reason is trimmed and cut to NoteMax characters.
func (s *Store) CancelBecause(ctx context.Context, id, by int64, reason string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mustOrganise(ctx, m, by); err != nil {
			return err
		}
		return s.cancel(ctx, tx, m, reason)
	})
}

func (s *Store) cancel(ctx context.Context, q db.Querier, m *Meeting, reason string) error {
	if m.IsCancelled() {
		return ErrCancelled
	}
	reason = strings.TrimSpace(reason)
	if r := []rune(reason); len(r) > NoteMax {
		reason = string(r[:NoteMax])
	}
	if _, err := q.Exec(ctx, `UPDATE meetings SET status = ?, cancelled_at = ?, cancel_reason = ?, updated_at = ? WHERE id = ?`,
		Cancelled, s.now(), reason, s.now(), m.ID); err != nil {
		return err
	}
	if err := s.tell(ctx, q, m.ID, "meeting.cancelled", m.Title); err != nil {
		return err
	}
	return s.reindex(ctx, q, m.ID)
}

// Delete removes a meeting with everything about it, payments included.
// Who: the organisers, and only while nobody registered and no payment was
// recorded; otherwise cancel it. Errors: ErrNotOrganiser, ErrNotAllowed.
func (s *Store) Delete(ctx context.Context, id, by int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.mustOrganise(ctx, m, by); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ?)
			+ (SELECT COUNT(*) FROM meeting_payments WHERE meeting_id = ?)`, id, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNotAllowed
		}
		if err := s.search.Remove(ctx, tx, "meeting", itoa(id)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM meetings WHERE id = ?`, id)
		return err
	})
}

// OnlineLink returns the online link of a meeting to who may see it: its
// organisers and attendees with a confirmed seat. Errors: ErrNotAllowed
// for anyone else, ErrNotFound.
func (s *Store) OnlineLink(ctx context.Context, id int64, v Viewer) (string, error) {
	m, err := s.Meeting(ctx, id)
	if err != nil {
		return "", err
	}
	a, err := s.Access(ctx, m, v)
	if err != nil {
		return "", err
	}
	if !a.SeesOnlineLink() {
		return "", ErrNotAllowed
	}
	return s.onlineLink(ctx, id)
}

func (s *Store) onlineLink(ctx context.Context, id int64) (string, error) {
	var link string
	err := s.db.QueryRow(ctx, `SELECT online_link FROM meetings WHERE id = ?`, id).Scan(&link)
	return link, err
}
