package meetings

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/db"
)

// AgendaItem is one point on a meeting's agenda, in order.
type AgendaItem struct {
	Title string
	Notes string
}

// Decision is one thing the meeting decided.
type Decision struct {
	Text string
}

// ActionPoint is one thing somebody will do after the meeting.
type ActionPoint struct {
	Text string
	Who  string // a name or a role, as typed
	Due  string // yyyy-mm-dd or ""
}

// Minutes are what was said and decided at a meeting.
type Minutes struct {
	Text      string // Markdown
	Decisions []Decision
	Actions   []ActionPoint
}

// Empty reports whether nothing was written yet.
func (m *Minutes) Empty() bool { return m.Text == "" && len(m.Decisions) == 0 && len(m.Actions) == 0 }

// Attachment is a link to a document that goes with a meeting.
type Attachment struct {
	ID        int64
	Title     string
	URL       string
	CreatedAt time.Time
}

// Limits on agendas, minutes and attachments.
const (
	AgendaMax      = 50 // items
	ItemTitleMax   = 200
	ItemNotesMax   = 2000
	MinutesMax     = 50000
	DecisionsMax   = 100
	ActionsMax     = 100
	AttachmentsMax = 50
)

// CheckAgenda returns field -> message key for problems with items; fields
// are "agenda.N" (N from 0).
func CheckAgenda(items []AgendaItem) FieldErrors {
	errs := FieldErrors{}
	if len(items) > AgendaMax {
		errs["agenda"] = "meetings.agenda.too_many"
	}
	for i, it := range items {
		f := "agenda." + itoa(int64(i))
		switch n := utf8.RuneCountInString(strings.TrimSpace(it.Title)); {
		case n == 0:
			errs[f] = "meetings.agenda.title_required"
		case n > ItemTitleMax, utf8.RuneCountInString(it.Notes) > ItemNotesMax:
			errs[f] = "field.too_long"
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Agenda returns a meeting's agenda in order.
func (s *Store) Agenda(ctx context.Context, meetingID int64) ([]AgendaItem, error) {
	rows, err := s.db.Query(ctx, `SELECT title, notes FROM meeting_agenda WHERE meeting_id = ? ORDER BY position`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AgendaItem
	for rows.Next() {
		var it AgendaItem
		if err := rows.Scan(&it.Title, &it.Notes); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SetAgenda replaces a meeting's agenda with items, in their order (the
// form sends the whole list, so reordering is sending it in a new order).
// Who: the organisers. Errors: FieldErrors, ErrNotOrganiser, ErrNotFound.
func (s *Store) SetAgenda(ctx context.Context, meetingID, by int64, items []AgendaItem) error {
	if errs := CheckAgenda(items); errs != nil {
		return errs
	}
	return s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_agenda WHERE meeting_id = ?`, meetingID); err != nil {
			return err
		}
		for i, it := range items {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_agenda (meeting_id, position, title, notes) VALUES (?, ?, ?, ?)`,
				meetingID, i+1, strings.TrimSpace(it.Title), strings.TrimSpace(it.Notes)); err != nil {
				return err
			}
		}
		return s.reindex(ctx, tx, meetingID)
	})
}

// organiserTx runs fn in a transaction on the locked meeting after
// checking that by organises it.
func (s *Store) organiserTx(ctx context.Context, meetingID, by int64, fn func(tx *db.Tx, m *Meeting) error) error {
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
		return fn(tx, m)
	})
}

// CheckMinutes returns field -> message key for problems with m; fields
// are "minutes", "decision.N", "action.N".
func CheckMinutes(m Minutes) FieldErrors {
	errs := FieldErrors{}
	if utf8.RuneCountInString(m.Text) > MinutesMax {
		errs["minutes"] = "field.too_long"
	}
	if len(m.Decisions) > DecisionsMax {
		errs["decisions"] = "meetings.minutes.too_many"
	}
	if len(m.Actions) > ActionsMax {
		errs["actions"] = "meetings.minutes.too_many"
	}
	for i, d := range m.Decisions {
		switch n := utf8.RuneCountInString(strings.TrimSpace(d.Text)); {
		case n == 0:
			errs["decision."+itoa(int64(i))] = "meetings.decision.required"
		case n > ItemNotesMax:
			errs["decision."+itoa(int64(i))] = "field.too_long"
		}
	}
	for i, a := range m.Actions {
		f := "action." + itoa(int64(i))
		switch n := utf8.RuneCountInString(strings.TrimSpace(a.Text)); {
		case n == 0:
			errs[f] = "meetings.action.required"
		case n > ItemNotesMax || utf8.RuneCountInString(a.Who) > ItemTitleMax:
			errs[f] = "field.too_long"
		}
		if d := strings.TrimSpace(a.Due); d != "" {
			if _, err := time.Parse(DateLayout, d); err != nil {
				errs[f+".due"] = "meetings.date.invalid"
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Minutes returns a meeting's minutes (empty ones when none were written).
func (s *Store) Minutes(ctx context.Context, meetingID int64) (*Minutes, error) {
	m := &Minutes{}
	if err := s.db.QueryRow(ctx, `SELECT minutes FROM meetings WHERE id = ?`, meetingID).Scan(&m.Text); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT text FROM meeting_decisions WHERE meeting_id = ? ORDER BY position`, meetingID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.Text); err != nil {
			rows.Close()
			return nil, err
		}
		m.Decisions = append(m.Decisions, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT text, who, due FROM meeting_actions WHERE meeting_id = ? ORDER BY position`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a ActionPoint
		if err := rows.Scan(&a.Text, &a.Who, &a.Due); err != nil {
			return nil, err
		}
		m.Actions = append(m.Actions, a)
	}
	return m, rows.Err()
}

// SetMinutes replaces a meeting's minutes, decisions and action points.
// Minutes may be written before the meeting ends (during it). Who: the
// organisers. Errors: FieldErrors, ErrNotOrganiser, ErrNotFound.
func (s *Store) SetMinutes(ctx context.Context, meetingID, by int64, min Minutes) error {
	if errs := CheckMinutes(min); errs != nil {
		return errs
	}
	return s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		if _, err := tx.Exec(ctx, `UPDATE meetings SET minutes = ?, updated_at = ? WHERE id = ?`, strings.TrimSpace(min.Text), s.now(), meetingID); err != nil {
			return err
		}
		for _, table := range []string{"meeting_decisions", "meeting_actions"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE meeting_id = ?`, meetingID); err != nil {
				return err
			}
		}
		for i, d := range min.Decisions {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_decisions (meeting_id, position, text) VALUES (?, ?, ?)`,
				meetingID, i+1, strings.TrimSpace(d.Text)); err != nil {
				return err
			}
		}
		for i, a := range min.Actions {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_actions (meeting_id, position, text, who, due) VALUES (?, ?, ?, ?, ?)`,
				meetingID, i+1, strings.TrimSpace(a.Text), strings.TrimSpace(a.Who), strings.TrimSpace(a.Due)); err != nil {
				return err
			}
		}
		return s.reindex(ctx, tx, meetingID)
	})
}

// Attachments lists a meeting's links, oldest first.
func (s *Store) Attachments(ctx context.Context, meetingID int64) ([]Attachment, error) {
	rows, err := s.db.Query(ctx, `SELECT id, title, url, created_at FROM meeting_attachments WHERE meeting_id = ? ORDER BY id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.Title, &a.URL, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CheckAttachment returns field -> message key for problems with a link:
// a title, and an http(s) URL.
func CheckAttachment(title, url string) FieldErrors {
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(title)); {
	case n == 0:
		errs["title"] = "meetings.attachment.title_required"
	case n > ItemTitleMax:
		errs["title"] = "field.too_long"
	}
	if !ValidLink(strings.TrimSpace(url)) {
		errs["url"] = "meetings.link.invalid"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// AddAttachment adds a link to a meeting. Who: the organisers. Errors:
// FieldErrors, ErrNotOrganiser, ErrNotAllowed (too many), ErrNotFound.
func (s *Store) AddAttachment(ctx context.Context, meetingID, by int64, title, url string) (int64, error) {
	if errs := CheckAttachment(title, url); errs != nil {
		return 0, errs
	}
	var id int64
	err := s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meeting_attachments WHERE meeting_id = ?`, meetingID).Scan(&n); err != nil {
			return err
		}
		if n >= AttachmentsMax {
			return ErrNotAllowed
		}
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO meeting_attachments (meeting_id, title, url, created_at) VALUES (?, ?, ?, ?)`,
			meetingID, strings.TrimSpace(title), strings.TrimSpace(url), s.now())
		return err
	})
	return id, err
}

// RemoveAttachment removes a link. Who: the organisers. Errors:
// ErrNotOrganiser, ErrNotFound.
func (s *Store) RemoveAttachment(ctx context.Context, meetingID, attachmentID, by int64) error {
	return s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		res, err := tx.Exec(ctx, `DELETE FROM meeting_attachments WHERE id = ? AND meeting_id = ?`, attachmentID, meetingID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return nil
	})
}
