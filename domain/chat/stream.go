package chat

import (
	"strconv"
	"time"
)

// PrincipalKind says whose stream an event belongs to.
type PrincipalKind int

const (
	PrincipalUser     PrincipalKind = 1 // an enterprise user (rep)
	PrincipalCustomer PrincipalKind = 2 // a mini-program customer
)

// Principal is the owner of a stream.
type Principal struct {
	Kind PrincipalKind
	ID   int64
}

// Event names on the wire (SSE `event:`).
const (
	EventChat  = "chat"
	EventRadar = "radar"
	// EventHotLead alerts a customer's reps that the AI close probability
	// jumped (D10); its data is the stored payload as is.
	EventHotLead = "hot_lead"
)

// RadarEvent is a new access log of a rep (the E47 item).
type RadarEvent struct {
	LogID        int64
	UserID       int64
	CustomerID   int64
	Action       int
	Remark       string
	CustomerName string
	CreatedAt    time.Time
}

// StreamEvent is one event of a principal's stream; Seq increases per
// principal and is the SSE id. Exactly one of Chat and Radar is set.
type StreamEvent struct {
	Seq   int64
	Name  string
	Chat  *Message
	Radar *RadarEvent
	// Data is the payload of the events shown as stored (hot_lead).
	Data []byte
}

// ParseLastEventID reads a Last-Event-ID: a non-negative integer, else absent.
func ParseLastEventID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// ResumeFrom is the sequence a new subscriber starts after: its
// Last-Event-ID when given and not beyond the newest event, else the newest.
func ResumeFrom(lastEventID int64, given bool, newest int64) int64 {
	if !given || lastEventID > newest {
		return newest
	}
	return lastEventID
}
