package meetings

import "time"

// WallKind says how a wall-clock time maps onto real time in a zone.
type WallKind int

const (
	Exact     WallKind = iota // the wall time happens once
	Gap                       // the clocks skip it (spring forward)
	Ambiguous                 // it happens twice (fall back)
)

// Wall returns the instant at which the clock in loc shows day's date and
// clock's hour and minute. Where clocks change it follows RFC 5545 §3.3.5,
// so that Involve and calendar programs agree: a time in a gap is read
// with the offset from before the gap (02:30 on the spring-forward night
// becomes 03:30), and a time that happens twice is the first of the two.
func Wall(day, clock time.Time, loc *time.Location) (time.Time, WallKind) {
	y, mo, d := day.Date()
	naive := time.Date(y, mo, d, clock.Hour(), clock.Minute(), 0, 0, time.UTC)
	// Offsets a day either side bound every transition near this time.
	_, before := naive.Add(-36 * time.Hour).In(loc).Zone()
	_, after := naive.Add(36 * time.Hour).In(loc).Zone()
	var found []time.Time
	for _, off := range []int{before, after} {
		t := naive.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), naive) && (len(found) == 0 || !found[0].Equal(t)) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return naive.Add(-time.Duration(before) * time.Second).In(loc), Gap
	case 1:
		return found[0].In(loc), Exact
	}
	if found[1].Before(found[0]) {
		found[0] = found[1]
	}
	return found[0].In(loc), Ambiguous
}

func sameWall(t, naive time.Time) bool {
	y, mo, d := t.Date()
	y2, mo2, d2 := naive.Date()
	return y == y2 && mo == mo2 && d == d2 && t.Hour() == naive.Hour() && t.Minute() == naive.Minute()
}
