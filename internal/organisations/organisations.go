// Package organisations holds the services, agencies, policymaker bodies
// and funders around peers: registered by a member, verified by a site
// admin, with staff who act for them.
package organisations

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"involve/internal/db"
	"involve/internal/facets"
	"involve/internal/langs"
	"involve/internal/search"
)

// Kinds of organisation.
const (
	Service     = "service"
	Agency      = "agency"
	Policymaker = "policymaker"
	Funder      = "funder"
)

// Kinds lists every kind, in the order forms and filters show them.
var Kinds = []string{Service, Agency, Policymaker, Funder}

// Statuses of an organisation's registration.
const (
	Pending  = "pending"
	Verified = "verified"
	Rejected = "rejected"
)

// Staff roles.
const (
	StaffAdmin = "admin" // edits the organisation and manages its staff
	Staff      = "staff" // acts for the organisation
)

// Organisation is one organisation.
type Organisation struct {
	ID         int64
	Slug       string
	Name       string
	Kind       string
	Summary    string
	Website    string
	Region     string
	Topics     []string // what it works on, as typed
	Languages  []string // ISO 639-1 codes (package langs)
	Status     string
	CreatedAt  time.Time
	ReviewedAt *time.Time
	ReviewNote string
}

// Verified reports whether a site admin has verified the organisation.
func (o *Organisation) IsVerified() bool { return o.Status == Verified }

// StaffMember is a member acting for an organisation.
type StaffMember struct {
	MemberID int64
	Handle   string
	Role     string
	Since    time.Time
}

var (
	ErrSlugTaken = errors.New("organisations: name taken")
	ErrLastAdmin = errors.New("organisations: an organisation keeps at least one admin")
)

// Input is what a member types to register or edit an organisation.
type Input struct {
	Name      string
	Kind      string
	Summary   string
	Website   string
	Region    string
	Topics    string // comma separated
	Languages string // comma separated codes from package langs
}

// Limits on what is typed.
const (
	NameMax    = 120
	SummaryMax = 2000
	RegionMax  = 80
	TopicsMax  = 200
)

// Check returns field → message key for every problem with in.
func (in Input) Check() map[string]string {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); {
	case n == 0:
		errs["name"] = "org.name.required"
	case n < 2 || n > NameMax:
		errs["name"] = "org.name.length"
	case Slugify(in.Name) == "":
		errs["name"] = "org.name.letters"
	}
	if !validKind(in.Kind) {
		errs["kind"] = "org.kind.required"
	}
	if utf8.RuneCountInString(in.Summary) > SummaryMax {
		errs["summary"] = "org.summary.long"
	}
	if utf8.RuneCountInString(in.Region) > RegionMax {
		errs["region"] = "org.region.long"
	}
	if utf8.RuneCountInString(in.Topics) > TopicsMax {
		errs["topics"] = "field.too_long"
	}
	for _, l := range facets.SplitList(in.Languages) {
		if !langs.Valid(l) {
			errs["languages"] = "directory.language.invalid"
		}
	}
	if in.Website != "" {
		u, err := url.Parse(in.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.Website) > 300 {
			errs["website"] = "org.website.invalid"
		}
	}
	return errs
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func joinList(s string) string { return strings.Join(facets.SplitList(s), ", ") }

// Slugify makes a URL slug from a name: lower-case letters and digits of any
// script joined by dashes, accents removed, at most 60 characters.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		// Decomposing can uncover a capital (ᴬ is a small letter whose
		// decomposition is A), so lower-case again.
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// Store keeps organisations.
type Store struct {
	db     *db.DB
	search *search.Index // nil: organisations are not searched
	now    func() time.Time
}

// IndexIn makes the store keep verified organisations in ix.
func (s *Store) IndexIn(ix *search.Index) { s.search = ix }

// reindex puts a verified organisation in the search index and takes any
// other out: only verified organisations are listed, so only they are found.
func (s *Store) reindex(ctx context.Context, q db.Querier, id int64) error {
	if s.search == nil {
		return nil
	}
	o, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM organisations WHERE id = ?`, id))
	if err != nil {
		return err
	}
	if o.Status != Verified {
		return s.search.Remove(ctx, q, "organisation", o.Slug)
	}
	body := strings.Join([]string{o.Summary, o.Region, strings.Join(o.Topics, ", ")}, "\n")
	return s.search.Put(ctx, q, search.Document{Kind: "organisation", Ref: o.Slug, Lang: "und", Title: o.Name, Body: body,
		URL: "/organisations/" + o.Slug, Visibility: search.Public})
}

// NewStore returns a Store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d, now: time.Now} }

const columns = `id, slug, name, kind, summary, website, region, topics, languages, status, created_at, reviewed_at, review_note`

func scan(s interface{ Scan(...any) error }) (*Organisation, error) {
	o := &Organisation{}
	var topics, languages string
	err := s.Scan(&o.ID, &o.Slug, &o.Name, &o.Kind, &o.Summary, &o.Website, &o.Region, &topics, &languages,
		&o.Status, &o.CreatedAt, &o.ReviewedAt, &o.ReviewNote)
	o.Topics, o.Languages = facets.SplitList(topics), facets.SplitList(languages)
	return o, err
}

// Register records a new organisation, pending verification, with the
// registering member as its first admin.
func (s *Store) Register(ctx context.Context, memberID int64, in Input) (*Organisation, error) {
	slug := Slugify(in.Name)
	now := s.now()
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.InsertID(ctx, tx, `INSERT INTO organisations (slug, name, kind, summary, website, region, topics, languages, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, slug, strings.TrimSpace(in.Name), in.Kind, strings.TrimSpace(in.Summary),
			strings.TrimSpace(in.Website), strings.TrimSpace(in.Region), joinList(in.Topics), joinList(in.Languages), Pending, memberID, now)
		if errors.Is(err, db.ErrConflict) {
			return ErrSlugTaken
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO organisation_staff (organisation_id, member_id, role, added_at) VALUES (?, ?, ?, ?)`,
			id, memberID, StaffAdmin, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("organisations: register: %w", err)
	}
	return s.ByID(ctx, id)
}

// Update changes an organisation's details; the slug stays, so links do.
// A new name may not be another organisation's.
func (s *Store) Update(ctx context.Context, id int64, in Input) error {
	name := strings.TrimSpace(in.Name)
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var n int
		err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id <> ? AND (slug = ? OR LOWER(name) = LOWER(?))`,
			id, Slugify(name), name).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSlugTaken
		}
		_, err = tx.Exec(ctx, `UPDATE organisations SET name = ?, kind = ?, summary = ?, website = ?, region = ?, topics = ?, languages = ?
			WHERE id = ?`, name, in.Kind, strings.TrimSpace(in.Summary), strings.TrimSpace(in.Website), strings.TrimSpace(in.Region),
			joinList(in.Topics), joinList(in.Languages), id)
		if err != nil {
			return err
		}
		return s.reindex(ctx, tx, id)
	})
}

// ByID returns one organisation.
func (s *Store) ByID(ctx context.Context, id int64) (*Organisation, error) {
	o, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM organisations WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("organisations: %d: %w", id, err)
	}
	return o, nil
}

// BySlug returns one organisation.
func (s *Store) BySlug(ctx context.Context, slug string) (*Organisation, error) {
	o, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM organisations WHERE slug = ?`, slug))
	if err != nil {
		return nil, fmt.Errorf("organisations: %q: %w", slug, err)
	}
	return o, nil
}

// Filter narrows a list of organisations.
type Filter struct {
	Kind   string
	Status string // "" means verified
}

// List returns organisations matching f, by name.
func (s *Store) List(ctx context.Context, f Filter) ([]*Organisation, error) {
	status := f.Status
	if status == "" {
		status = Verified
	}
	q := `SELECT ` + columns + ` FROM organisations WHERE status = ?`
	args := []any{status}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	q += ` ORDER BY name, id`
	return s.list(ctx, s.db, q, args...)
}

func (s *Store) list(ctx context.Context, qr db.Querier, q string, args ...any) ([]*Organisation, error) {
	rows, err := qr.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("organisations: list: %w", err)
	}
	defer rows.Close()
	var out []*Organisation
	for rows.Next() {
		o, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// KindCounts returns how many verified organisations there are of each kind.
func (s *Store) KindCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.Query(ctx, `SELECT kind, COUNT(*) FROM organisations WHERE status = ? GROUP BY kind`, Verified)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// Review sets an organisation's status to Verified or Rejected, inside the
// caller's transaction so the audit record goes with it.
func (s *Store) Review(ctx context.Context, q db.Querier, id, reviewer int64, status, note string) error {
	if status != Verified && status != Rejected {
		return fmt.Errorf("organisations: review: bad status %q", status)
	}
	res, err := q.Exec(ctx, `UPDATE organisations SET status = ?, reviewed_at = ?, reviewed_by = ?, review_note = ? WHERE id = ?`,
		status, s.now(), reviewer, note, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return s.reindex(ctx, q, id)
}

// Staff lists an organisation's staff, admins first.
func (s *Store) Staff(ctx context.Context, orgID int64) ([]StaffMember, error) {
	rows, err := s.db.Query(ctx, `SELECT s.member_id, m.handle, s.role, s.added_at FROM organisation_staff s
		JOIN members m ON m.id = s.member_id WHERE s.organisation_id = ? ORDER BY s.role, m.handle_key`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StaffMember
	for rows.Next() {
		var sm StaffMember
		if err := rows.Scan(&sm.MemberID, &sm.Handle, &sm.Role, &sm.Since); err != nil {
			return nil, err
		}
		out = append(out, sm)
	}
	return out, rows.Err()
}

// StaffRole returns the member's role in an organisation, or "" if none.
func (s *Store) StaffRole(ctx context.Context, orgID, memberID int64) (string, error) {
	var role string
	err := s.db.QueryRow(ctx, `SELECT role FROM organisation_staff WHERE organisation_id = ? AND member_id = ?`, orgID, memberID).Scan(&role)
	if errors.Is(err, db.ErrNotFound) {
		return "", nil
	}
	return role, err
}

// SetStaff adds a member to the staff or changes their role.
func (s *Store) SetStaff(ctx context.Context, orgID, memberID int64, role string) error {
	if role != StaffAdmin && role != Staff {
		return fmt.Errorf("organisations: bad staff role %q", role)
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var cur string
		err := tx.QueryRow(ctx, `SELECT role FROM organisation_staff WHERE organisation_id = ? AND member_id = ?`, orgID, memberID).Scan(&cur)
		switch {
		case errors.Is(err, db.ErrNotFound):
			_, err = tx.Exec(ctx, `INSERT INTO organisation_staff (organisation_id, member_id, role, added_at) VALUES (?, ?, ?, ?)`,
				orgID, memberID, role, s.now())
			return err
		case err != nil:
			return err
		}
		if cur == StaffAdmin && role != StaffAdmin {
			if err := lastAdminCheck(ctx, tx, orgID); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE organisation_staff SET role = ? WHERE organisation_id = ? AND member_id = ?`, role, orgID, memberID)
		return err
	})
}

// RemoveStaff takes a member off the staff; the last admin cannot leave.
func (s *Store) RemoveStaff(ctx context.Context, orgID, memberID int64) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var cur string
		err := tx.QueryRow(ctx, `SELECT role FROM organisation_staff WHERE organisation_id = ? AND member_id = ?`, orgID, memberID).Scan(&cur)
		if err != nil {
			return err
		}
		if cur == StaffAdmin {
			if err := lastAdminCheck(ctx, tx, orgID); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM organisation_staff WHERE organisation_id = ? AND member_id = ?`, orgID, memberID)
		return err
	})
}

func lastAdminCheck(ctx context.Context, tx db.Querier, orgID int64) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisation_staff WHERE organisation_id = ? AND role = ?`, orgID, StaffAdmin).Scan(&n); err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// Membership is an organisation a member acts for.
type Membership struct {
	Organisation *Organisation
	Role         string
}

// OfMember lists the organisations a member is staff of.
func (s *Store) OfMember(ctx context.Context, memberID int64) ([]Membership, error) {
	return s.ofMember(ctx, s.db, memberID)
}

func (s *Store) ofMember(ctx context.Context, q db.Querier, memberID int64) ([]Membership, error) {
	rows, err := q.Query(ctx, `SELECT s.role, o.id, o.slug, o.name, o.kind, o.summary, o.website, o.region, o.topics, o.languages,
		o.status, o.created_at, o.reviewed_at, o.review_note
		FROM organisation_staff s JOIN organisations o ON o.id = s.organisation_id WHERE s.member_id = ? ORDER BY o.name`, memberID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		o := &Organisation{}
		var topics, languages string
		if err := rows.Scan(&m.Role, &o.ID, &o.Slug, &o.Name, &o.Kind, &o.Summary, &o.Website, &o.Region, &topics, &languages,
			&o.Status, &o.CreatedAt, &o.ReviewedAt, &o.ReviewNote); err != nil {
			return nil, err
		}
		o.Topics, o.Languages = facets.SplitList(topics), facets.SplitList(languages)
		m.Organisation = o
		out = append(out, m)
	}
	return out, rows.Err()
}
