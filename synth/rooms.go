package synth

import "math/rand/v2"

// roomCalendar books rooms night by night so that, as far as the hotel's size
// allows, no two stays share a room on the same night — a feedback form that
// names only a room and a date must point at one stay.
type roomCalendar struct {
	numbers []int32 // room numbers, lowest floor first
	first   day     // the first night in the calendar
	nights  int
	taken   []uint64 // bit room*nights+night
}

// newRoomCalendar lays out n rooms on floors from 3 up, skipping the floors
// Chinese hotels skip (4, 13, 14), 20 rooms a floor (30 above 400 rooms).
func newRoomCalendar(n int, w window) *roomCalendar {
	perFloor := 20
	if n > 400 {
		perFloor = 30
	}
	c := &roomCalendar{first: w.first - 1, nights: w.days() + 2}
	for floor := 3; len(c.numbers) < n; floor++ {
		if floor == 4 || floor == 13 || floor == 14 {
			continue
		}
		for k := 1; k <= perFloor && len(c.numbers) < n; k++ {
			c.numbers = append(c.numbers, int32(floor*100+k))
		}
	}
	c.taken = make([]uint64, (len(c.numbers)*c.nights+63)/64)
	return c
}

func (c *roomCalendar) bit(room int, night day) (int, uint64) {
	i := room*c.nights + int(night-c.first)
	return i / 64, 1 << (i % 64)
}

func (c *roomCalendar) free(room int, night day) bool {
	if night < c.first || int(night-c.first) >= c.nights {
		return true
	}
	w, m := c.bit(room, night)
	return c.taken[w]&m == 0
}

// book finds a room of the class for nights [arrive, arrive+n). sure is true
// when the room was free for all of them and the night before, so that room
// and arrival date name this stay alone. When the hotel is full the guest
// gets a room that is already taken, and sure is false.
func (c *roomCalendar) book(r *rand.Rand, arrive day, n int, class int8) (number int32, sure bool) {
	lo, hi := c.classRange(class)
	for range 8 {
		room := lo + r.IntN(hi-lo)
		ok := true
		for k := range n {
			if !c.free(room, arrive+day(k)) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for k := range n {
			if night := arrive + day(k); int(night-c.first) < c.nights {
				w, m := c.bit(room, night)
				c.taken[w] |= m
			}
		}
		return c.numbers[room], c.free(room, arrive-1)
	}
	return c.numbers[lo+r.IntN(hi-lo)], false
}

// classRange is the slice of rooms of a class: standard rooms on the lower
// 60 % of the floors, deluxe above, suites at the top.
func (c *roomCalendar) classRange(class int8) (lo, hi int) {
	n := len(c.numbers)
	switch class {
	case 0:
		return 0, n * 6 / 10
	case 1:
		return n * 6 / 10, n * 9 / 10
	default:
		return n * 9 / 10, n
	}
}
