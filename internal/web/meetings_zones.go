package web

import (
	"strings"
	"time"
	_ "time/tzdata" // zones work on a machine without a zone database: one binary
)

// meetingZones are the time zones the meeting form offers: one for each
// country of Europe and its neighbours with many peer groups, and UTC. The
// list is short to keep the form small; the same clock in a neighbouring
// country is the same zone in practice, and any real zone is accepted. A zone the organiser's browser
// reports that is not here is added to the choice for them (involve.js),
// and any zone Go knows is accepted.
var meetingZones = []string{
	"UTC", "Asia/Almaty", "Asia/Tashkent", "Asia/Tbilisi", "Asia/Yerevan",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Bucharest", "Europe/Budapest",
	"Europe/Chisinau", "Europe/Dublin", "Europe/Helsinki", "Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon",
	"Europe/London", "Europe/Madrid", "Europe/Minsk", "Europe/Moscow", "Europe/Paris", "Europe/Prague",
	"Europe/Rome", "Europe/Sofia", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw",
}

// defaultZone is the zone a new meeting starts with when nothing better is
// known: the one most readers of the interface language live in. The
// organiser's browser replaces it with their own zone when scripts run.
func defaultZone(lang string) string {
	switch lang {
	case "nl":
		return "Europe/Amsterdam"
	case "ru":
		return "Europe/Moscow"
	}
	return "Europe/London"
}

// validZone reports whether name is a time zone Go knows by its IANA name
// ("Local" and offsets are not zones a meeting can be in).
func validZone(name string) bool {
	if name == "" || name == "Local" || strings.ContainsAny(name, " \\") || len(name) > 64 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// zoneLabel shows a zone the way people read it: "Europe/Kyiv" as
// "Europe / Kyiv", underscores as spaces.
func zoneLabel(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "_", " "), "/", " / ")
}

// zoneFromLabel turns a zoneLabel back into the zone's name. A zone's name
// has no spaces, so a name passes through unchanged.
func zoneFromLabel(label string) string {
	return strings.ReplaceAll(strings.ReplaceAll(label, " / ", "/"), " ", "_")
}

// zoneField is the select of time zones, with the form's value kept even
// when it is not one of the list. Each option's value is its label, so the
// option is written without one (about 700 bytes less on the meeting
// form); the form is read through zoneFromLabel.
func (b *Base) zoneField(f *Form) Field {
	fd := b.Field(f, "time_zone", "select", "meetings.field.time_zone", "meetings.field.time_zone_hint")
	fd.Required = true
	listed := false
	for _, z := range meetingZones {
		if z == fd.Value {
			listed = true
		}
		fd.Options = append(fd.Options, Option{Value: zoneLabel(z), Label: zoneLabel(z), Selected: z == fd.Value})
	}
	if !listed && fd.Value != "" && validZone(fd.Value) {
		fd.Options = append([]Option{{Value: zoneLabel(fd.Value), Label: zoneLabel(fd.Value), Selected: true}}, fd.Options...)
	}
	return fd
}
