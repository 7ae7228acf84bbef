package customer

import "time"

// Outcome is how a company's deal with a customer stands (D10).
type Outcome int

// The outcomes, as stored.
const (
	OutcomeOpen Outcome = 0
	OutcomeWon  Outcome = 1
	OutcomeLost Outcome = 2
)

// Outcome values on the wire (update_outcome's form, E05's key).
var outcomeWire = map[Outcome]string{OutcomeOpen: "open", OutcomeWon: "won", OutcomeLost: "lost"}

// String is the wire value.
func (o Outcome) String() string { return outcomeWire[o] }

// ParseOutcome reads a wire value.
func ParseOutcome(s string) (Outcome, bool) {
	for o, w := range outcomeWire {
		if w == s {
			return o, true
		}
	}
	return 0, false
}

// Note is the follow-up note the change writes (like E39/E40).
func (o Outcome) Note() string {
	switch o {
	case OutcomeWon:
		return "标记为成交"
	case OutcomeLost:
		return "标记为输单"
	}
	return "重新跟进"
}

// Label is how exports show the outcome.
func (o Outcome) Label() string {
	switch o {
	case OutcomeWon:
		return "已成交"
	case OutcomeLost:
		return "已输单"
	}
	return "跟进中"
}

// Closed reports whether the deal ended.
func (o Outcome) Closed() bool { return o == OutcomeWon || o == OutcomeLost }

// ClosingDay checks an optional closing day: today when absent (in loc),
// never after today. It reports false for a day in the future.
func ClosingDay(day *time.Time, now time.Time, loc *time.Location) (time.Time, bool) {
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if day == nil {
		return today, true
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	return t, !t.After(today)
}
