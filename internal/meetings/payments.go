package meetings

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"involve/internal/db"
)

// Kinds of payment.
const (
	Honorarium    = "honorarium"    // for taking part
	Reimbursement = "reimbursement" // of costs, e.g. travel
)

// PaymentKinds lists every kind in form order.
var PaymentKinds = []string{Honorarium, Reimbursement}

// Methods of payment. Never bank details: a bank transfer is recorded as
// such, the account number stays in the organisation's own books.
const (
	Cash         = "cash"
	Voucher      = "voucher"
	BankTransfer = "bank_transfer"
)

// PaymentMethods lists every method in form order.
var PaymentMethods = []string{Cash, Voucher, BankTransfer}

// Statuses of a payment.
const (
	Paid           = "paid"
	PaymentPending = "pending"
)

// PaymentStatuses lists every status in form order.
var PaymentStatuses = []string{Paid, PaymentPending}

// PurposeMax bounds a payment's purpose.
const PurposeMax = 200

// Payment is an honorarium or a reimbursement paid to an attendee.
type Payment struct {
	ID             int64
	MeetingID      int64
	RegistrationID *int64 // nil once the attendee's registration is gone
	MemberID       *int64 // nil for an alias, or once the member left Involve
	Payee          string // handle or alias when recorded; "" once the person left
	Kind           string
	Amount         int64 // minor units of Currency
	Currency       string
	Method         string
	Status         string
	Purpose        string
	CreatedAt      time.Time
	PaidAt         *time.Time

	// The meeting, for lists across meetings.
	MeetingTitle string
	MeetingStart time.Time
}

// AmountText is the amount as "25.50 EUR".
func (p *Payment) AmountText() string { return FormatAmount(p.Amount, p.Currency) }

// PaymentInput is what an organiser types to record a payment.
type PaymentInput struct {
	RegistrationID int64
	Kind           string
	Amount         string // "25" or "25.50"
	Currency       string
	Method         string
	Status         string
	Purpose        string
}

// Check returns field -> message key for every problem.
func (in PaymentInput) Check() FieldErrors {
	errs := FieldErrors{}
	if in.RegistrationID == 0 {
		errs["registration"] = "meetings.payment.who_required"
	}
	if !oneOf(in.Kind, PaymentKinds) {
		errs["kind"] = "meetings.payment.kind_required"
	}
	if !ValidCurrency(in.Currency) {
		errs["currency"] = "meetings.currency.invalid"
	} else if n, err := ParseAmount(in.Amount, in.Currency); err != nil || n == 0 {
		errs["amount"] = "meetings.amount.invalid"
	}
	if !oneOf(in.Method, PaymentMethods) {
		errs["method"] = "meetings.payment.method_required"
	}
	if !oneOf(in.Status, PaymentStatuses) {
		errs["status"] = "meetings.payment.status_required"
	}
	if utf8.RuneCountInString(in.Purpose) > PurposeMax {
		errs["purpose"] = "field.too_long"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// SetAttendance records who attended: attended maps registration id to
// whether the person came; registrations left out keep what they had. Only
// registrations with a seat count. Who: the organisers, once the meeting
// has started. Errors: ErrNotOrganiser, ErrNotStarted, ErrCancelled, ErrNotFound.
func (s *Store) SetAttendance(ctx context.Context, meetingID, by int64, attended map[int64]bool) error {
	return s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		if m.IsCancelled() {
			return ErrCancelled
		}
		if !m.HasStarted(s.now()) {
			return ErrNotStarted
		}
		for id, came := range attended {
			if _, err := tx.Exec(ctx, `UPDATE meeting_registrations SET attended = ?, updated_at = ? WHERE id = ? AND meeting_id = ? AND status = ?`,
				b2i(came), s.now(), id, meetingID, Registered); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddPayment records a payment to an attendee of a meeting. Who: the
// organisers, once the meeting has started. Errors: FieldErrors (the
// registration must be one of the meeting's, with a seat), ErrNotOrganiser,
// ErrNotStarted, ErrNotFound.
func (s *Store) AddPayment(ctx context.Context, meetingID, by int64, in PaymentInput) (*Payment, error) {
	if errs := in.Check(); errs != nil {
		return nil, errs
	}
	amount, _ := ParseAmount(in.Amount, in.Currency)
	var id int64
	err := s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		if !m.HasStarted(s.now()) {
			return ErrNotStarted
		}
		r, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+regColumns+regFrom+` WHERE r.id = ? AND r.meeting_id = ? AND r.status = ?`,
			in.RegistrationID, meetingID, Registered))
		if err != nil {
			return FieldErrors{"registration": "meetings.payment.who_required"}
		}
		payee := r.Alias
		if r.MemberID != nil {
			payee = r.Handle
		}
		var paidAt *time.Time
		if in.Status == Paid {
			now := s.now()
			paidAt = &now
		}
		id, err = db.InsertID(ctx, tx, `INSERT INTO meeting_payments (meeting_id, registration_id, member_id, payee, kind, amount, currency,
			method, status, purpose, recorded_by, created_at, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			meetingID, r.ID, r.MemberID, payee, in.Kind, amount, in.Currency, in.Method, in.Status, strings.TrimSpace(in.Purpose),
			by, s.now(), paidAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.payment(ctx, meetingID, id)
}

// MarkPaid records that a pending payment was paid. Who: the organisers.
// Errors: ErrNotOrganiser, ErrNotFound.
func (s *Store) MarkPaid(ctx context.Context, meetingID, paymentID, by int64) error {
	return s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		res, err := tx.Exec(ctx, `UPDATE meeting_payments SET status = ?, paid_at = ? WHERE id = ? AND meeting_id = ? AND status = ?`,
			Paid, s.now(), paymentID, meetingID, PaymentPending)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return nil
	})
}

// RemovePayment deletes a payment recorded by mistake. Who: the
// organisers. Errors: ErrNotOrganiser, ErrNotFound.
func (s *Store) RemovePayment(ctx context.Context, meetingID, paymentID, by int64) error {
	return s.organiserTx(ctx, meetingID, by, func(tx *db.Tx, m *Meeting) error {
		res, err := tx.Exec(ctx, `DELETE FROM meeting_payments WHERE id = ? AND meeting_id = ?`, paymentID, meetingID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return nil
	})
}

const paymentColumns = `p.id, p.meeting_id, p.registration_id, p.member_id, p.payee, p.kind, p.amount, p.currency, p.method, p.status,
	p.purpose, p.created_at, p.paid_at, m.title, m.starts_at`

const paymentFrom = ` FROM meeting_payments p JOIN meetings m ON m.id = p.meeting_id`

func listPayments(ctx context.Context, q db.Querier, query string, args ...any) ([]*Payment, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Payment
	for rows.Next() {
		p := &Payment{}
		if err := rows.Scan(&p.ID, &p.MeetingID, &p.RegistrationID, &p.MemberID, &p.Payee, &p.Kind, &p.Amount, &p.Currency, &p.Method,
			&p.Status, &p.Purpose, &p.CreatedAt, &p.PaidAt, &p.MeetingTitle, &p.MeetingStart); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) payment(ctx context.Context, meetingID, id int64) (*Payment, error) {
	ps, err := listPayments(ctx, s.db, `SELECT `+paymentColumns+paymentFrom+` WHERE p.id = ? AND p.meeting_id = ?`, id, meetingID)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, db.ErrNotFound
	}
	return ps[0], nil
}

// Payments lists a meeting's payments. Who: the organisers. Errors:
// ErrNotOrganiser, ErrNotFound.
func (s *Store) Payments(ctx context.Context, meetingID, by int64) ([]*Payment, error) {
	m, err := s.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if err := s.mustOrganise(ctx, m, by); err != nil {
		return nil, err
	}
	return listPayments(ctx, s.db, `SELECT `+paymentColumns+paymentFrom+` WHERE p.meeting_id = ? ORDER BY p.id`, meetingID)
}

// MemberPayments lists the payments made to a member, newest meeting
// first; the member sees only their own.
func (s *Store) MemberPayments(ctx context.Context, memberID int64) ([]*Payment, error) {
	return listPayments(ctx, s.db, `SELECT `+paymentColumns+paymentFrom+` WHERE p.member_id = ? ORDER BY m.starts_at DESC, p.id`, memberID)
}

// OrganisationPayments lists every payment of an organisation's meetings,
// oldest meeting first, for its accounts. Who: the organisation's staff.
// Errors: ErrNotOrganiser.
func (s *Store) OrganisationPayments(ctx context.Context, orgID, by int64) ([]*Payment, error) {
	role, err := s.orgs.StaffRole(ctx, orgID, by)
	if err != nil {
		return nil, err
	}
	if role == "" {
		return nil, ErrNotOrganiser
	}
	return listPayments(ctx, s.db, `SELECT `+paymentColumns+paymentFrom+` WHERE m.organisation_id = ? ORDER BY m.starts_at, p.id`, orgID)
}

// WritePaymentsCSV writes payments as CSV for an organisation's accounts:
// one row each, amounts as plain decimals in their currency, dates as
// yyyy-mm-dd. Values that a spreadsheet would run as a formula are
// prefixed with an apostrophe.
func WritePaymentsCSV(w io.Writer, ps []*Payment) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"payment", "meeting", "meeting_title", "meeting_date", "payee", "kind", "amount", "currency",
		"method", "status", "paid_on", "purpose"}); err != nil {
		return err
	}
	for _, p := range ps {
		paid := ""
		if p.PaidAt != nil {
			paid = p.PaidAt.UTC().Format(DateLayout)
		}
		row := []string{itoa(p.ID), itoa(p.MeetingID), cell(p.MeetingTitle), p.MeetingStart.UTC().Format(DateLayout), cell(p.Payee),
			p.Kind, DecimalAmount(p.Amount, p.Currency), p.Currency, p.Method, p.Status, paid, cell(p.Purpose)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("meetings: payments csv: %w", err)
	}
	return nil
}

// cell keeps typed text from being read as a formula by a spreadsheet.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
