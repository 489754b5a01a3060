// Package meetings is meetings that peers can actually attend: a group (by
// its moderators and admins) or a verified organisation (by its staff)
// arranges them with a venue, access details and the practical support on
// offer; members register in one step and peers without an account under
// an alias; capacity fills a waiting list that moves up by itself; agenda,
// minutes, attendance and payments follow; and every meeting can be
// subscribed to as iCalendar.
//
// Recurring meetings are a series (the rule) whose occurrences are meetings
// of their own, each with its own id, registrations, minutes and
// attendance. Changing one occurrence detaches it from the series;
// cancelling one cancels only it.
//
// The store checks who may do what: methods that change a meeting take the
// acting member and return ErrNotOrganiser when they do not arrange it.
package meetings

import (
	"errors"
	"strings"
	"time"
)

// Modes of a meeting.
const (
	InPerson = "in_person"
	Online   = "online"
	Both     = "both" // in person, and online for who cannot come
)

// Modes lists every mode in the order forms and filters show them.
var Modes = []string{InPerson, Online, Both}

// Ways of registering.
const (
	RegisterOpen       = "open"       // anyone registers at once
	RegisterApproval   = "approval"   // organisers approve or decline each registration
	RegisterInvitation = "invitation" // only members the organisers invited register
)

// RegistrationModes lists every way of registering, in form order.
var RegistrationModes = []string{RegisterOpen, RegisterApproval, RegisterInvitation}

// Statuses of a meeting.
const (
	Scheduled = "scheduled"
	Cancelled = "cancelled"
)

// Access features a venue may have; free notes say the rest.
const (
	StepFree          = "step_free"
	AccessibleToilet  = "accessible_toilet"
	QuietRoom         = "quiet_room"
	HearingLoop       = "hearing_loop"
	Seating           = "seating" // seats and room to rest
	AccessibleParking = "accessible_parking"
	LargePrint        = "large_print"
	ServiceAnimals    = "service_animals"
)

// AccessFeatures lists every access feature in the order forms show them.
var AccessFeatures = []string{StepFree, AccessibleToilet, QuietRoom, HearingLoop, Seating, AccessibleParking, LargePrint, ServiceAnimals}

// Errors forms and handlers show.
var (
	ErrNotOrganiser      = errors.New("meetings: not an organiser of this meeting")
	ErrNotVerified       = errors.New("meetings: only verified organisations arrange meetings")
	ErrCancelled         = errors.New("meetings: the meeting is cancelled")
	ErrPast              = errors.New("meetings: the meeting is over")
	ErrNotStarted        = errors.New("meetings: the meeting has not started yet")
	ErrNotInvited        = errors.New("meetings: only invited members may register")
	ErrMembersOnly       = errors.New("meetings: this meeting needs an account to register")
	ErrAlreadyRegistered = errors.New("meetings: already registered")
	ErrNotRegistered     = errors.New("meetings: not registered")
	ErrNotPending        = errors.New("meetings: the registration is not waiting for a decision")
	ErrNoSuchMember      = errors.New("meetings: no member with that handle")
	ErrNotInSeries       = errors.New("meetings: the meeting is not part of a series")
	ErrNotAllowed        = errors.New("meetings: not allowed")
)

// FieldErrors maps a form field to the message key of what is wrong with
// it. Store methods that take typed input return it (as an error) when the
// input does not pass Check, so a form can show each message by its field.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	var b strings.Builder
	b.WriteString("meetings: invalid input:")
	for k, v := range f {
		b.WriteString(" " + k + "=" + v)
	}
	return b.String()
}

// Support is the practical support on offer, each stated plainly. An empty
// text means not offered.
type Support struct {
	Travel             string   // how travel costs are paid and how much, e.g. "public transport refunded on the day, up to €20"
	Food               string   // e.g. "warm lunch, vegetarian and halal"
	Childcare          string   // e.g. "a childminder in the room next door"
	Interpretation     []string // language codes (internal/langs) interpreted into
	SignLanguage       string   // which sign language, e.g. "NGT"
	HonorariumAmount   int64    // minor units of HonorariumCurrency; 0 with a text = stated in words only
	HonorariumCurrency string   // ISO 4217
	HonorariumText     string   // e.g. "for each participant, paid in cash after the meeting"
}

// Any reports whether any support is offered.
func (s Support) Any() bool {
	return s.Travel != "" || s.Food != "" || s.Childcare != "" || len(s.Interpretation) > 0 || s.SignLanguage != "" ||
		s.HasHonorarium()
}

// HasHonorarium reports whether an honorarium is offered.
func (s Support) HasHonorarium() bool { return s.HonorariumAmount > 0 || s.HonorariumText != "" }

// Meeting is one meeting: a single one or one occurrence of a series.
type Meeting struct {
	ID             int64
	GroupID        *int64 // exactly one of GroupID and OrganisationID is set
	OrganisationID *int64
	SeriesID       *int64
	SlotDate       string // yyyy-mm-dd: the series date this occurrence stands for ("" for a single meeting)
	Detached       bool   // changed on its own; series edits leave it alone

	Title       string
	Description string    // Markdown
	TimeZone    string    // IANA name
	Start, End  time.Time // UTC

	Mode        string
	Venue       string
	Address     string
	Directions  string
	Access      []string // of AccessFeatures
	AccessNotes string
	HasOnline   bool // an online link is set; Store.OnlineLink reveals it to who may see it

	Support

	Language     string // internal/langs code, or ""
	Region       string
	Registration string // RegisterOpen, RegisterApproval, RegisterInvitation
	Capacity     int    // 0 = no limit
	ShowCount    bool   // the public sees how many registered

	Status       string
	CancelledAt  *time.Time
	CancelReason string // the organisers' reason, for the meeting's page only
	CreatedBy    *int64
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// The organiser, as pages show it.
	GroupSlug, GroupName, GroupVisibility string
	GroupHidden                           bool
	OrgSlug, OrgName                      string

	// Counts of registrations.
	Registered, Waiting, Pending int
}

// Location is the meeting's time zone (UTC if the name no longer loads).
func (m *Meeting) Location() *time.Location {
	loc, err := loadZone(m.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// LocalStart and LocalEnd are the start and end in the meeting's time zone.
func (m *Meeting) LocalStart() time.Time { return m.Start.In(m.Location()) }
func (m *Meeting) LocalEnd() time.Time   { return m.End.In(m.Location()) }

// IsCancelled reports whether the meeting was cancelled.
func (m *Meeting) IsCancelled() bool { return m.Status == Cancelled }

// IsOver reports whether the meeting has ended at now.
func (m *Meeting) IsOver(now time.Time) bool { return !now.Before(m.End) }

// HasStarted reports whether the meeting has started at now.
func (m *Meeting) HasStarted(now time.Time) bool { return !now.Before(m.Start) }

// InPerson reports whether people meet in a room.
func (m *Meeting) InPerson() bool { return m.Mode == InPerson || m.Mode == Both }

// Online reports whether people take part online.
func (m *Meeting) Online() bool { return m.Mode == Online || m.Mode == Both }

// Full reports whether every seat is taken (new registrations wait).
func (m *Meeting) Full() bool { return m.Capacity > 0 && m.Registered >= m.Capacity }

// SeatsLeft is how many seats are free, or -1 without a limit.
func (m *Meeting) SeatsLeft() int {
	if m.Capacity == 0 {
		return -1
	}
	return max(0, m.Capacity-m.Registered)
}

// Path is the meeting's page.
func (m *Meeting) Path() string { return "/meetings/" + itoa(m.ID) }

// OrganiserName is the group's or the organisation's name.
func (m *Meeting) OrganiserName() string {
	if m.GroupID != nil {
		return m.GroupName
	}
	return m.OrgName
}

// Organiser says who arranges a meeting: a group or an organisation.
type Organiser struct {
	GroupID        int64
	OrganisationID int64
}

// Viewer is who looks at or acts on a meeting.
type Viewer struct {
	MemberID      int64 // 0 when signed out
	SiteModerator bool  // site moderators see every meeting, to moderate
}
