// Package radar holds the access log: the twelve actions a customer can take
// on a rep's card, the remark written for each, and the date windows of the
// radar views.
package radar

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Action is what a customer did (1–12).
type Action int

// The twelve actions.
const (
	ViewCard    Action = 1  // 查看名片
	ViewProduct Action = 2  // 查看产品
	ViewNews    Action = 3  // 查看动态
	ViewWebsite Action = 4  // 查看官网
	CopyWechat  Action = 5  // 复制微信
	ForwardCard Action = 6  // 转发名片
	AskProduct  Action = 7  // 咨询产品
	SavePhone   Action = 8  // 保存电话
	Praise      Action = 9  // 觉得靠谱
	CallPhone   Action = 10 // 拨打电话
	PlayVoice   Action = 11 // 播放语音
	CopyEmail   Action = 12 // 复制邮箱
	FirstAction        = ViewCard
	LastAction         = CopyEmail
)

var labels = [...]string{"", "查看名片", "查看产品", "查看动态", "查看官网", "复制微信", "转发名片", "咨询产品", "保存电话",
	"觉得靠谱", "拨打电话", "播放语音", "复制邮箱"}

// Valid reports whether a is one of the twelve actions.
func (a Action) Valid() bool { return a >= FirstAction && a <= LastAction }

// Label is the wire label of the action; an unknown code is its bare number.
func (a Action) Label() string {
	if !a.Valid() {
		return strconv.Itoa(int(a))
	}
	return labels[a]
}

// All lists the twelve actions in code order.
func All() []Action {
	out := make([]Action, 0, LastAction)
	for a := FirstAction; a <= LastAction; a++ {
		out = append(out, a)
	}
	return out
}

// Remarks written into the log (the radar line is the customer's name
// followed by the remark).
const (
	RemarkCall           = "拨打您的手机"
	RemarkSavePhone      = "保存了您的电话,可以考虑拜访"
	RemarkPraiseOn       = "觉得您非常靠谱"
	RemarkPraiseOff      = "取消对你的靠谱评价" // D4: the document's text
	RemarkForward        = "转发了你的名片,你的人脉圈正在裂变"
	RemarkProduct        = "正在查看你发布的产品,尽快把握商机"
	RemarkProductForward = "转发了竞价排名。"
	RemarkNews           = "查看了公司的动态"
	RemarkWebsite        = "查看了您的官网"
	RemarkCopyWechat     = "复制了您的微信号"
	RemarkAskProduct     = "咨询了您的产品"
	RemarkPlayVoice      = "播放了您的语音介绍"
	RemarkCopyEmail      = "复制了您的邮箱"
)

// CardViewRemark is the remark of a customer's n-th view of a card (n counts
// this view): 1 首次…, 2 把握深度交流的机会, 3 建议标注重点客户, ≥4 成交在望.
func CardViewRemark(n int) string {
	switch {
	case n <= 1:
		return "首次查看你的名片,沟通从此刻开始"
	case n == 2:
		return "查看你的名片第2次,把握深度交流的机会"
	case n == 3:
		return "查看你的名片第3次,建议标注重点客户"
	default:
		return "查看你的名片第" + strconv.Itoa(n) + "次,成交在望"
	}
}

// FixedRemark is the remark action/record writes for a (D7). The card view
// has no fixed text: it depends on the view count (CardViewRemark).
func FixedRemark(a Action) string {
	switch a {
	case ViewProduct:
		return RemarkProduct
	case ViewNews:
		return RemarkNews
	case ViewWebsite:
		return RemarkWebsite
	case CopyWechat:
		return RemarkCopyWechat
	case ForwardCard:
		return RemarkForward
	case AskProduct:
		return RemarkAskProduct
	case SavePhone:
		return RemarkSavePhone
	case Praise:
		return RemarkPraiseOn
	case CallPhone:
		return RemarkCall
	case PlayVoice:
		return RemarkPlayVoice
	case CopyEmail:
		return RemarkCopyEmail
	}
	return ""
}

// Counter is a card counter an event changes.
type Counter string

// The card counters.
const (
	Popularity Counter = "popularity"
	Praises    Counter = "praise"
	Forwards   Counter = "forward"
)

// Log is one access-log row.
type Log struct {
	ID         int64
	CompanyID  int64
	UserID     int64
	CustomerID int64
	Action     Action
	Remark     string
	IsNew      bool
	FollowUpID int64
	CreatedAt  time.Time
	// Read with the log: the customer's identity.
	CustomerUsername string
	Headimgurl       string
}

// Line is the radar line: the customer's name immediately followed by the remark.
func (l Log) Line() string { return l.CustomerUsername + l.Remark }

// FeedLimit caps one poll of the new-event feed (E47); older unread events
// come with the next polls.
const FeedLimit = 100

// Window is a [From, To) range of log times; zero values are unbounded.
type Window struct {
	From, To time.Time
}

// DefaultDays is the radar's default window: today and the 7 days before.
const DefaultDays = 8

// Bounds are the client's optional window bounds: dates (YYYY-MM-DD) read in
// the configured zone; To is inclusive (the whole day).
type Bounds struct {
	From, To       time.Time
	HasFrom, HasTo bool
}

// StartOfDay is when the calendar day y-m-d begins in loc: its midnight,
// or, where a clock change skips midnight, the first instant that exists.
func StartOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if _, _, day := t.Date(); day != time.Date(y, m, d, 12, 0, 0, 0, loc).Day() {
		_, end := t.ZoneBounds() // midnight did not exist: Date normalised back into the day before
		t = end
	}
	return t
}

// NextDay is the start of the day after the one that starts at t.
func NextDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return StartOfDay(y, m, d+1, t.Location())
}

func defaultFrom(now time.Time) time.Time {
	y, m, d := now.Date()
	return StartOfDay(y, m, d-(DefaultDays-1), now.Location())
}

func (b Bounds) upper(w *Window) {
	if b.HasTo {
		w.To = NextDay(b.To)
	}
}

// TimelineWindow is E31's window (D7): explicit bounds always apply; the
// 8-day default lower bound only when an action filter is given and no lower
// bound is. now must be in the configured zone.
func TimelineWindow(b Bounds, hasAction bool, now time.Time) Window {
	var w Window
	switch {
	case b.HasFrom:
		w.From = b.From
	case hasAction:
		w.From = defaultFrom(now)
	}
	b.upper(&w)
	return w
}

// SummaryWindow is the window of E32 and E33: the lower bound defaults to
// midnight seven days ago.
func SummaryWindow(b Bounds, now time.Time) Window {
	w := Window{From: defaultFrom(now)}
	if b.HasFrom {
		w.From = b.From
	}
	b.upper(&w)
	return w
}

// CustomerSummary is one customer's activity in a window (E32).
type CustomerSummary struct {
	CustomerID int64
	Username   string
	Headimgurl string
	Total      int
	ByAction   []ActionCount // ascending action
	AIPr       *int          // the company's stored AI close probability of the customer
}

// ActionCount is how often an action happened.
type ActionCount struct {
	Action Action
	Count  int
}

// Summarise groups logs by customer, most active first (ties: customer id),
// each with its per-action counts in action order, as E32 ranks them.
func Summarise(logs []Log) []CustomerSummary {
	index := map[int64]int{}
	var out []CustomerSummary
	for _, l := range logs {
		i, ok := index[l.CustomerID]
		if !ok {
			i = len(out)
			index[l.CustomerID] = i
			out = append(out, CustomerSummary{CustomerID: l.CustomerID, Username: l.CustomerUsername, Headimgurl: l.Headimgurl})
		}
		out[i].Total++
		out[i].ByAction = addAction(out[i].ByAction, l.Action)
	}
	slices.SortFunc(out, func(a, b CustomerSummary) int {
		if a.Total != b.Total {
			return b.Total - a.Total
		}
		return cmp.Compare(a.CustomerID, b.CustomerID)
	})
	return out
}

// CountByAction counts logs per action, in action order.
func CountByAction(logs []Log) []ActionCount {
	var out []ActionCount
	for _, l := range logs {
		out = addAction(out, l.Action)
	}
	return out
}

// addAction counts one more a in counts, kept in action order.
func addAction(counts []ActionCount, a Action) []ActionCount {
	i, found := slices.BinarySearchFunc(counts, a, func(c ActionCount, a Action) int { return cmp.Compare(c.Action, a) })
	if found {
		counts[i].Count++
		return counts
	}
	return slices.Insert(counts, i, ActionCount{Action: a, Count: 1})
}
