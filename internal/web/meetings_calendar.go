package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"involve/internal/db"
	"involve/internal/groups"
	"involve/internal/meetings"
)

// Calendars: one meeting as a file (/meetings/{id}.ics, served by the
// meeting's page handler), a group's and an organisation's meetings as
// feeds to subscribe to (only what the public may see), and each member's
// private feed of the meetings they registered for, at an address with a
// secret token that only they know.

func (s *Server) meetingCalendarRoutes() []route {
	return []route{
		{"GET /groups/{slug}/meetings.ics", Anyone, s.groupMeetingsFeed},
		{"GET /organisations/{slug}/meetings.ics", Anyone, s.organisationMeetingsFeed},
		{"GET /calendar/{file}", Anyone, s.memberMeetingsFeed},
	}
}

// writeCalendar answers with iCalendar text.
func writeCalendar(w http.ResponseWriter, r *http.Request, name string, body []byte, private bool) {
	if private {
		w.Header().Set("Cache-Control", "private, no-store")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.ics"`)
	writeBody(w, r, http.StatusOK, "text/calendar; charset=utf-8", body)
}

func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request, id int64) error {
	a, err := s.loadMeetingID(r, id)
	if err != nil {
		return err
	}
	// ?series=1 gives every date of a series as one repeating event.
	var body []byte
	if a.Meeting.SeriesID != nil && r.URL.Query().Get("series") == "1" {
		body, err = s.Meetings.SeriesICS(r.Context(), *a.Meeting.SeriesID, a.Viewer, s.siteURL(r))
	} else {
		body, err = s.Meetings.MeetingICS(r.Context(), id, a.Viewer, s.siteURL(r))
	}
	if err != nil {
		return meetingError(err)
	}
	// A meeting only some may see is nobody else's to cache.
	writeCalendar(w, r, "meeting-"+strconv.FormatInt(id, 10), body, !meetingIsPublic(a.Meeting))
	return nil
}

// meetingIsPublic reports whether anyone may see m: an organisation's
// meeting, or a meeting of a public group that is not hidden.
func meetingIsPublic(m *meetings.Meeting) bool {
	return m.GroupID == nil || (m.GroupVisibility == groups.Public && !m.GroupHidden)
}

// groupMeetingsFeed is a public group's meetings. A group the public may
// not read has no public feed: its members find its meetings in their
// own private feed.
func (s *Server) groupMeetingsFeed(w http.ResponseWriter, r *http.Request) error {
	g, err := s.Groups.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, db.ErrNotFound) {
		return notFound()
	}
	if err != nil {
		return err
	}
	if g.Visibility != groups.Public || g.HiddenAt != nil {
		return notFound()
	}
	body, err := s.Meetings.GroupFeed(r.Context(), g.ID, meetings.Viewer{}, s.siteURL(r))
	if err != nil {
		return meetingError(err)
	}
	writeCalendar(w, r, g.Slug, body, false)
	return nil
}

func (s *Server) organisationMeetingsFeed(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Organisations.BySlug(r.Context(), r.PathValue("slug"))
	if errors.Is(err, db.ErrNotFound) {
		return notFound()
	}
	if err != nil {
		return err
	}
	if !o.IsVerified() {
		return notFound()
	}
	body, err := s.Meetings.OrganisationFeed(r.Context(), o.ID, s.siteURL(r))
	if err != nil {
		return meetingError(err)
	}
	writeCalendar(w, r, o.Slug, body, false)
	return nil
}

// memberMeetingsFeed is a member's private feed, at /calendar/{token}.ics.
func (s *Server) memberMeetingsFeed(w http.ResponseWriter, r *http.Request) error {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || token == "" {
		return notFound()
	}
	body, err := s.Meetings.MemberFeed(r.Context(), token, s.siteURL(r))
	if err != nil {
		return meetingError(err)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	writeCalendar(w, r, "involve", body, true)
	return nil
}
