package meetings

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/accounts"
	"involve/internal/db"
)

// Statuses of a registration.
const (
	Registered = "registered" // has a seat
	Waiting    = "waiting"    // on the waiting list; moves up when a seat frees
	Pending    = "pending"    // waits for the organisers' approval
	Declined   = "declined"   // the organisers said no
	Withdrawn  = "cancelled"  // cancelled by the attendee or an organiser
)

// Registration is one person's place at a meeting: a member's, or a peer's
// under an alias.
type Registration struct {
	ID        int64
	MeetingID int64
	MemberID  *int64 // nil for an alias registration
	Handle    string // the member's handle
	Name      string // the member's display name, or the alias
	Alias     string // "" for a member
	Status    string
	Note      string // to the organisers only
	ShowName  bool   // the attendee lets other attendees and the public see their name
	Attended  *bool  // nil until the organisers record attendance
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Live reports whether the registration still holds or waits for a seat.
func (r *Registration) Live() bool {
	return r.Status == Registered || r.Status == Waiting || r.Status == Pending
}

// DisplayName is the name to show: the display name, else the handle, else the alias.
func (r *Registration) DisplayName() string {
	switch {
	case r.Name != "":
		return r.Name
	case r.Handle != "":
		return r.Handle
	}
	return r.Alias
}

// RegisterInput is what an attendee types when registering.
type RegisterInput struct {
	Alias    string // only for a peer without an account
	Note     string // to the organisers, e.g. access needs
	ShowName bool
}

// Check returns field -> message key for every problem; alias says whether
// an alias is needed (registering without an account).
func (in RegisterInput) Check(alias bool) FieldErrors {
	errs := FieldErrors{}
	if alias {
		switch n := utf8.RuneCountInString(strings.TrimSpace(in.Alias)); {
		case n == 0:
			errs["alias"] = "meetings.alias.required"
		case n > AliasMax:
			errs["alias"] = "field.too_long"
		case strings.ContainsAny(in.Alias, "\r\n"):
			errs["alias"] = "field.one_line"
		}
	}
	if utf8.RuneCountInString(in.Note) > NoteMax {
		errs["note"] = "field.too_long"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

const regColumns = `r.id, r.meeting_id, r.member_id, COALESCE(mb.handle, ''), COALESCE(mb.display_name, ''), r.alias, r.status,
	r.note, r.show_name, r.attended, r.created_at, r.updated_at`

const regFrom = ` FROM meeting_registrations r LEFT JOIN members mb ON mb.id = r.member_id`

func scanRegistration(sc interface{ Scan(...any) error }) (*Registration, error) {
	r := &Registration{}
	var show int
	var attended *int
	if err := sc.Scan(&r.ID, &r.MeetingID, &r.MemberID, &r.Handle, &r.Name, &r.Alias, &r.Status, &r.Note, &show, &attended,
		&r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.ShowName = show != 0
	if attended != nil {
		a := *attended != 0
		r.Attended = &a
	}
	if r.Alias != "" {
		r.Name = r.Alias
	}
	return r, nil
}

func listRegistrations(ctx context.Context, q db.Querier, query string, args ...any) ([]*Registration, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Registration
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// openFor checks that m takes registrations at all.
func (s *Store) openFor(m *Meeting) error {
	switch {
	case m.IsCancelled():
		return ErrCancelled
	case m.HasStarted(s.now()):
		return ErrPast
	}
	return nil
}

// seatStatus is the status a new or approved registration gets: a seat
// while there is one, else the waiting list. The meeting row is locked.
func seatStatus(ctx context.Context, q db.Querier, m *Meeting) (string, error) {
	if m.Capacity == 0 {
		return Registered, nil
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND status = ?`, m.ID, Registered).Scan(&n); err != nil {
		return "", err
	}
	// Someone already waiting keeps their place in the queue.
	var waiting int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND status = ?`, m.ID, Waiting).Scan(&waiting); err != nil {
		return "", err
	}
	if n < m.Capacity && waiting == 0 {
		return Registered, nil
	}
	return Waiting, nil
}

// Register registers a signed-in member in one step: a seat, the waiting
// list when full, or pending approval in approval mode. Who: any member
// who can see the meeting; in invitation mode only invited members.
// Errors: FieldErrors, ErrCancelled, ErrPast, ErrNotInvited,
// ErrAlreadyRegistered, ErrNotAllowed (cannot see it), ErrNotFound.
func (s *Store) Register(ctx context.Context, meetingID, memberID int64, in RegisterInput) (*Registration, error) {
	if errs := in.Check(false); errs != nil {
		return nil, errs
	}
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	a, err := s.Access(ctx, m, Viewer{MemberID: memberID})
	if err != nil {
		return nil, err
	}
	if !a.CanSee() {
		return nil, ErrNotAllowed
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if err := s.openFor(m); err != nil {
			return err
		}
		if m.Registration == RegisterInvitation {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_invitations WHERE meeting_id = ? AND member_id = ?`,
				meetingID, memberID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return ErrNotInvited
			}
		}
		status := Pending
		if m.Registration != RegisterApproval {
			if status, err = seatStatus(ctx, tx, m); err != nil {
				return err
			}
		}
		now := s.now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO meeting_registrations (meeting_id, member_id, status, note, show_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, meetingID, memberID, status, strings.TrimSpace(in.Note), b2i(in.ShowName), now, now)
		if errors.Is(err, db.ErrConflict) {
			return ErrAlreadyRegistered
		}
		if err != nil {
			return err
		}
		if status == Pending {
			return s.tellOrganisers(ctx, tx, m, "meeting.pending")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Registration(ctx, meetingID, id)
}

// RegisterAlias registers a peer without an account under an alias. It
// returns the registration and the personal code to manage or cancel it:
// the code is shown once and only its hash is kept, so nobody, not even
// the organisers, can find it again. Who: anyone who can see the meeting,
// in open or approval mode. Errors: FieldErrors, ErrMembersOnly (invitation
// mode, or a group meeting only its members see), ErrCancelled, ErrPast,
// ErrNotFound.
func (s *Store) RegisterAlias(ctx context.Context, meetingID int64, in RegisterInput) (*Registration, string, error) {
	if errs := in.Check(true); errs != nil {
		return nil, "", errs
	}
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, "", err
	}
	a, err := s.Access(ctx, m, Viewer{})
	if err != nil {
		return nil, "", err
	}
	if !a.CanSee() || m.Registration == RegisterInvitation {
		return nil, "", ErrMembersOnly
	}
	code, hash := newCode()
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if err := s.openFor(m); err != nil {
			return err
		}
		status := Pending
		if m.Registration != RegisterApproval {
			if status, err = seatStatus(ctx, tx, m); err != nil {
				return err
			}
		}
		now := s.now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO meeting_registrations (meeting_id, alias, code_hash, status, note, show_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, meetingID, strings.TrimSpace(in.Alias), hash, status, strings.TrimSpace(in.Note),
			b2i(in.ShowName), now, now)
		if err != nil {
			return err
		}
		if status == Pending {
			return s.tellOrganisers(ctx, tx, m, "meeting.pending")
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	r, err := s.Registration(ctx, meetingID, id)
	return r, code, err
}

// newCode returns a personal code, easy to read out and type (base32, in
// groups of four), and its hash.
func newCode() (code, hash string) {
	b := make([]byte, 15)
	rand.Read(b)
	raw := base32.StdEncoding.EncodeToString(b) // 24 characters
	parts := []string{raw[0:4], raw[4:8], raw[8:12], raw[12:16], raw[16:20], raw[20:24]}
	return strings.Join(parts, "-"), hashCode(raw)
}

// hashCode hashes a code as typed: case, spaces and dashes do not matter.
func hashCode(code string) string {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}

// ByCode returns the registration a personal code belongs to.
// ErrNotFound for an unknown code.
func (s *Store) ByCode(ctx context.Context, code string) (*Registration, error) {
	if strings.TrimSpace(code) == "" {
		return nil, db.ErrNotFound
	}
	r, err := scanRegistration(s.db.QueryRow(ctx, `SELECT `+regColumns+regFrom+` WHERE r.code_hash = ?`, hashCode(code)))
	if err != nil {
		return nil, fmt.Errorf("meetings: registration by code: %w", err)
	}
	return r, nil
}

// OnlineLinkByCode returns the online link to an alias attendee with a
// confirmed seat. Errors: ErrNotFound (unknown code), ErrNotAllowed.
func (s *Store) OnlineLinkByCode(ctx context.Context, code string) (string, error) {
	r, err := s.ByCode(ctx, code)
	if err != nil {
		return "", err
	}
	if r.Status != Registered {
		return "", ErrNotAllowed
	}
	return s.onlineLink(ctx, r.MeetingID)
}

// CancelByCode cancels the registration a personal code belongs to; the
// waiting list moves up. Errors: ErrNotFound, ErrNotRegistered (already
// cancelled or declined).
func (s *Store) CancelByCode(ctx context.Context, code string) error {
	r, err := s.ByCode(ctx, code)
	if err != nil {
		return err
	}
	return s.withdraw(ctx, r.MeetingID, r.ID, false)
}

// Registration returns one registration of a meeting. ErrNotFound.
func (s *Store) Registration(ctx context.Context, meetingID, id int64) (*Registration, error) {
	r, err := scanRegistration(s.db.QueryRow(ctx, `SELECT `+regColumns+regFrom+` WHERE r.id = ? AND r.meeting_id = ?`, id, meetingID))
	if err != nil {
		return nil, fmt.Errorf("meetings: registration %d: %w", id, err)
	}
	return r, nil
}

// MemberRegistration returns a member's live registration (registered,
// waiting or pending) for a meeting. ErrNotFound when there is none.
func (s *Store) MemberRegistration(ctx context.Context, meetingID, memberID int64) (*Registration, error) {
	r, err := scanRegistration(s.db.QueryRow(ctx, `SELECT `+regColumns+regFrom+`
		WHERE r.meeting_id = ? AND r.member_id = ? AND r.status IN ('registered', 'waiting', 'pending')`, meetingID, memberID))
	if err != nil {
		return nil, fmt.Errorf("meetings: registration: %w", err)
	}
	return r, nil
}

// UpdateRegistration changes the note and the name choice of a member's
// own live registration. Errors: FieldErrors, ErrNotRegistered.
func (s *Store) UpdateRegistration(ctx context.Context, meetingID, memberID int64, in RegisterInput) error {
	if errs := in.Check(false); errs != nil {
		return errs
	}
	res, err := s.db.Exec(ctx, `UPDATE meeting_registrations SET note = ?, show_name = ?, updated_at = ?
		WHERE meeting_id = ? AND member_id = ? AND status IN ('registered', 'waiting', 'pending')`,
		strings.TrimSpace(in.Note), b2i(in.ShowName), s.now(), meetingID, memberID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotRegistered
	}
	return nil
}

// UpdateByCode changes the note and the name choice of an alias
// registration. Errors: FieldErrors, ErrNotFound, ErrNotRegistered.
func (s *Store) UpdateByCode(ctx context.Context, code string, in RegisterInput) error {
	if errs := in.Check(false); errs != nil {
		return errs
	}
	r, err := s.ByCode(ctx, code)
	if err != nil {
		return err
	}
	if !r.Live() {
		return ErrNotRegistered
	}
	_, err = s.db.Exec(ctx, `UPDATE meeting_registrations SET note = ?, show_name = ?, updated_at = ? WHERE id = ?`,
		strings.TrimSpace(in.Note), b2i(in.ShowName), s.now(), r.ID)
	return err
}

// Unregister cancels a member's own registration; the first on the
// waiting list gets the seat. Errors: ErrNotRegistered.
func (s *Store) Unregister(ctx context.Context, meetingID, memberID int64) error {
	r, err := s.MemberRegistration(ctx, meetingID, memberID)
	if errors.Is(err, db.ErrNotFound) {
		return ErrNotRegistered
	}
	if err != nil {
		return err
	}
	return s.withdraw(ctx, meetingID, r.ID, false)
}

// CancelRegistration cancels someone's registration as an organiser; a
// member is told, and the waiting list moves up. Who: the meeting's
// organisers. Errors: ErrNotOrganiser, ErrNotRegistered, ErrNotFound.
func (s *Store) CancelRegistration(ctx context.Context, meetingID, regID, by int64) error {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return err
	}
	if err := s.mustOrganise(ctx, m, by); err != nil {
		return err
	}
	return s.withdraw(ctx, meetingID, regID, true)
}

// withdraw cancels registration regID and promotes from the waiting list,
// in one transaction on the locked meeting.
func (s *Store) withdraw(ctx context.Context, meetingID, regID int64, byOrganiser bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		r, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regColumns+regFrom+` WHERE r.id = ? AND r.meeting_id = ?`, regID, meetingID))
		if err != nil {
			return err
		}
		if !r.Live() {
			return ErrNotRegistered
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_registrations SET status = ?, updated_at = ? WHERE id = ?`, Withdrawn, s.now(), regID); err != nil {
			return err
		}
		if byOrganiser && r.MemberID != nil {
			if err := s.notify.Add(ctx, tx, []int64{*r.MemberID}, "meeting.registration_cancelled",
				map[string]string{"meeting": m.Title}, m.Path()); err != nil {
				return err
			}
		}
		return s.promote(ctx, tx, meetingID)
	})
}

// promote gives free seats to the waiting list, first come first served,
// and tells the members who moved up. It runs inside the transaction that
// freed the seat, on the locked meeting.
func (s *Store) promote(ctx context.Context, q db.Querier, meetingID int64) error {
	var capacity int
	var title, status string
	if err := q.QueryRow(ctx, `SELECT capacity, title, status FROM meetings WHERE id = ?`, meetingID).Scan(&capacity, &title, &status); err != nil {
		return err
	}
	if status == Cancelled {
		return nil
	}
	var taken int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND status = ?`, meetingID, Registered).Scan(&taken); err != nil {
		return err
	}
	free := -1 // every waiting person, without a limit
	if capacity > 0 {
		free = capacity - taken
		if free <= 0 {
			return nil
		}
	}
	query := `SELECT id, member_id FROM meeting_registrations WHERE meeting_id = ? AND status = ? ORDER BY created_at, id`
	args := []any{meetingID, Waiting}
	if free > 0 {
		query += ` LIMIT ?`
		args = append(args, free)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var regs []int64
	var members []int64
	for rows.Next() {
		var id int64
		var member *int64
		if err := rows.Scan(&id, &member); err != nil {
			rows.Close()
			return err
		}
		regs = append(regs, id)
		if member != nil {
			members = append(members, *member)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range regs {
		if _, err := q.Exec(ctx, `UPDATE meeting_registrations SET status = ?, updated_at = ? WHERE id = ?`, Registered, s.now(), id); err != nil {
			return err
		}
	}
	if len(members) > 0 {
		return s.notify.Add(ctx, q, members, "meeting.promoted", map[string]string{"meeting": title}, "/meetings/"+itoa(meetingID))
	}
	return nil
}

// Decide approves or declines a pending registration (approval mode). An
// approved one gets a seat, or the waiting list when full; a member is
// told either way. Who: the meeting's organisers. Errors: ErrNotOrganiser,
// ErrNotPending, ErrNotFound.
func (s *Store) Decide(ctx context.Context, meetingID, regID, by int64, approve bool) error {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return err
	}
	if err := s.mustOrganise(ctx, m, by); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		m, err := s.lockMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		r, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regColumns+regFrom+` WHERE r.id = ? AND r.meeting_id = ?`, regID, meetingID))
		if err != nil {
			return err
		}
		if r.Status != Pending {
			return ErrNotPending
		}
		status, kind := Declined, "meeting.declined"
		if approve {
			if status, err = seatStatus(ctx, tx, m); err != nil {
				return err
			}
			kind = "meeting.approved"
			if status == Waiting {
				kind = "meeting.approved_waiting"
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_registrations SET status = ?, updated_at = ? WHERE id = ?`, status, s.now(), regID); err != nil {
			return err
		}
		if r.MemberID != nil {
			return s.notify.Add(ctx, tx, []int64{*r.MemberID}, kind, map[string]string{"meeting": m.Title}, m.Path())
		}
		return nil
	})
}

// tellOrganisers notifies the members who arrange m.
func (s *Store) tellOrganisers(ctx context.Context, q db.Querier, m *Meeting, kind string) error {
	var ids []int64
	var err error
	if m.GroupID != nil {
		ids, err = memberIDs(ctx, q, `SELECT member_id FROM group_members WHERE group_id = ? AND role IN ('moderator', 'admin')`, *m.GroupID)
	} else if m.OrganisationID != nil {
		ids, err = memberIDs(ctx, q, `SELECT member_id FROM organisation_staff WHERE organisation_id = ?`, *m.OrganisationID)
	}
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.notify.Add(ctx, q, ids, kind, map[string]string{"meeting": m.Title}, m.Path()+"/registrations")
}

// Registrations lists every registration of a meeting, with notes, for its
// organisers: registered first, then waiting in queue order, then pending,
// then the cancelled and declined. Who: the meeting's organisers. Errors:
// ErrNotOrganiser, ErrNotFound.
func (s *Store) Registrations(ctx context.Context, meetingID, by int64) ([]*Registration, error) {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if err := s.mustOrganise(ctx, m, by); err != nil {
		return nil, err
	}
	return listRegistrations(ctx, s.db, `SELECT `+regColumns+regFrom+` WHERE r.meeting_id = ?
		ORDER BY CASE r.status WHEN 'registered' THEN 0 WHEN 'waiting' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END, r.created_at, r.id`, meetingID)
}

// ShownAttendees lists the registered attendees who chose to show their
// name, for other attendees and the public; notes are left out.
func (s *Store) ShownAttendees(ctx context.Context, meetingID int64) ([]*Registration, error) {
	regs, err := listRegistrations(ctx, s.db, `SELECT `+regColumns+regFrom+`
		WHERE r.meeting_id = ? AND r.status = ? AND r.show_name = 1 ORDER BY r.created_at, r.id`, meetingID, Registered)
	for _, r := range regs {
		r.Note = ""
	}
	return regs, err
}

// WaitingPosition is a registration's place on the waiting list (1 =
// next), or 0 when it is not waiting.
func (s *Store) WaitingPosition(ctx context.Context, r *Registration) (int, error) {
	if r.Status != Waiting {
		return 0, nil
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_registrations WHERE meeting_id = ? AND status = ?
		AND (created_at < ? OR (created_at = ? AND id <= ?))`, r.MeetingID, Waiting, r.CreatedAt, r.CreatedAt, r.ID).Scan(&n)
	return n, err
}

// Invite invites a member by handle (invitation mode, though any mode
// takes invitations) and tells them. Who: the meeting's organisers.
// Errors: ErrNotOrganiser, ErrNoSuchMember, ErrCancelled, ErrPast,
// ErrNotFound; inviting twice is no error.
func (s *Store) Invite(ctx context.Context, meetingID, by int64, handle string) error {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return err
	}
	if err := s.mustOrganise(ctx, m, by); err != nil {
		return err
	}
	if err := s.openFor(m); err != nil {
		return err
	}
	var memberID int64
	err = s.db.QueryRow(ctx, `SELECT id FROM members WHERE handle_key = ?`, accounts.HandleKey(strings.TrimPrefix(strings.TrimSpace(handle), "@"))).Scan(&memberID)
	if errors.Is(err, db.ErrNotFound) {
		return ErrNoSuchMember
	}
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO meeting_invitations (meeting_id, member_id, invited_by, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (meeting_id, member_id) DO NOTHING`, meetingID, memberID, by, s.now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // invited before
		}
		return s.notify.Add(ctx, tx, []int64{memberID}, "meeting.invited", map[string]string{"meeting": m.Title}, m.Path())
	})
}

// Invitee is a member invited to a meeting.
type Invitee struct {
	MemberID  int64
	Handle    string
	Name      string
	InvitedAt time.Time
}

// Invitations lists who was invited to a meeting. Who: its organisers.
// Errors: ErrNotOrganiser, ErrNotFound.
func (s *Store) Invitations(ctx context.Context, meetingID, by int64) ([]Invitee, error) {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if err := s.mustOrganise(ctx, m, by); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT i.member_id, mb.handle, mb.display_name, i.created_at FROM meeting_invitations i
		JOIN members mb ON mb.id = i.member_id WHERE i.meeting_id = ? ORDER BY i.created_at, mb.handle`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Invitee
	for rows.Next() {
		var i Invitee
		if err := rows.Scan(&i.MemberID, &i.Handle, &i.Name, &i.InvitedAt); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}
