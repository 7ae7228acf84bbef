// Package followup holds a rep's follow-up of a customer: the relation with
// its last follow and activity times, the notes, canned phrases, and the
// relative-day texts of the address book.
package followup

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// NoteMaxLen is the longest note, in characters.
const NoteMaxLen = 256

// PhraseMaxLen is the longest canned phrase, in characters.
const PhraseMaxLen = 256

// Note is one follow-up note as E38 shows it.
type Note struct {
	ID                 int64
	Text               string
	CreatedAt          time.Time
	CustomerHeadimgurl string
	UserAvatar         string
	Username           string
}

// ExpectedTimeNote is the note E39 writes.
func ExpectedTimeNote(date time.Time) string {
	return "更新预计成交日期: " + date.Format("2006-01-02")
}

// ExpectedPrNote is the note E40 writes (the raw value, e.g. 80%).
func ExpectedPrNote(pr string) string { return "更新预计成交率为: " + pr }

// TagsNote is the note E41 writes: the new tag names, cut to NoteMaxLen.
func TagsNote(names []string) string {
	return Truncate("更新客户标签为: "+strings.Join(names, ","), NoteMaxLen)
}

// Truncate cuts s to at most n characters.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// Phrase is a canned follow-up phrase: global when UserID is nil.
type Phrase struct {
	ID        int64
	CompanyID *int64
	UserID    *int64
	Text      string
	CreatedAt time.Time
}

// GlobalPhrases are the phrases everyone sees (seeded by migration 00002).
var GlobalPhrases = []string{
	"客户查看了公司产品,有合作意向",
	"标记一下,客户有合作意向",
	"计划近期安排拜访",
	"意向客户,需安排拜访",
	"见面聊过,客户有合作意向",
	"曾拜访过的客户",
	"标记一下,需要给客户发送报价",
	"已发报价,待客户反馈",
	"已成交客户,维护好后续关系",
	"客户多次查看小程序,合作意向强烈",
}

// Entry is one row of the address book (E34): a follow-up relation of the
// caller with a customer bound to them.
type Entry struct {
	CustomerID       int64
	CustomerName     string
	Headimgurl       string
	ExpectedTime     *time.Time // a date
	ExpectedPr       *string
	Source           int
	LastFollowTime   *time.Time
	LastActivityTime *time.Time
	AIPr             *int // the stored AI close probability (nil: not scored yet)
	// Relative texts, filled by Label.
	LastFollowText   string
	LastActivityText string
	FollowStatus     string
}

// Label fills the relative texts as of now in loc.
func (e *Entry) Label(now time.Time, loc *time.Location) {
	e.LastFollowText, e.FollowStatus = FollowTexts(e.LastFollowTime, now, loc)
	e.LastActivityText = ActivityText(e.LastActivityTime, now, loc)
}

// DaysAgo is the number of calendar days, in loc, from t's date to now's
// date (0 today, 1 yesterday; negative for a future date).
func DaysAgo(t, now time.Time, loc *time.Location) int {
	day := func(x time.Time) time.Time {
		y, m, d := x.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(day(now).Sub(day(t)).Hours() / 24)
}

// FollowTexts are the address book's last_follow_time and follow_status:
// never → "", 未跟进过; today → 今天, 今天跟进; yesterday → 昨天, 昨天已跟进;
// N ≥ 2 calendar days ago → N天前 and the date. A time in the future
// (clock skew) counts as today.
func FollowTexts(t *time.Time, now time.Time, loc *time.Location) (text, status string) {
	if t == nil {
		return "", "未跟进过"
	}
	switch n := DaysAgo(*t, now, loc); {
	case n <= 0:
		return "今天", "今天跟进"
	case n == 1:
		return "昨天", "昨天已跟进"
	default:
		return fmt.Sprintf("%d天前", n), t.In(loc).Format("2006-01-02")
	}
}

// ActivityText is the address book's last_activity_time: "" when never,
// 今天, 昨天, else the date (no N天前 form, as the legacy).
func ActivityText(t *time.Time, now time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	switch n := DaysAgo(*t, now, loc); {
	case n <= 0:
		return "今天"
	case n == 1:
		return "昨天"
	default:
		return t.In(loc).Format("2006-01-02")
	}
}

// ExpectedPrFromNote reads the probability back from an E40 note ("80%" →
// 80): the history of the rep's estimate, with its time.
func ExpectedPrFromNote(note string) (int, bool) {
	v, ok := strings.CutPrefix(note, "更新预计成交率为: ")
	if !ok {
		return 0, false
	}
	return ParsePercent(v)
}

// ExpectedTimeFromNote reads the date back from an E39 note.
func ExpectedTimeFromNote(note string) (time.Time, bool) {
	v, ok := strings.CutPrefix(note, "更新预计成交日期: ")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", v)
	return t, err == nil
}

// ParsePercent reads a probability as reps type it: "80%", "80", "0.8".
func ParsePercent(v string) (int, bool) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil || f < 0 || f > 100 || math.IsNaN(f):
		return 0, false
	case f <= 1 && strings.Contains(v, "."):
		f *= 100
	}
	return int(math.Round(f)), true
}
