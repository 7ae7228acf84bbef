// Package ai is the AI close probability (AI 成交率, D10): what a customer
// did, as features binned so that each bin's contribution can be explained;
// a naive Bayes over those bins per company, smoothed toward a table pooled
// across companies and, below it, an expert prior; Platt calibration; and
// the reasons a rep reads. Pure Go: the adapters gather the signals, the
// application trains and scores.
package ai

import (
	"math"
	"time"
)

// HalfLife is the decay of the action counts: an action a week old counts half.
const HalfLife = 7 * 24 * time.Hour

// Decay is the weight now of something that happened at: 1 at now, ½ a
// half-life earlier; nothing from the future counts.
func Decay(at, now time.Time) float64 {
	age := now.Sub(at)
	if age < 0 {
		return 0
	}
	return math.Exp2(-float64(age) / float64(HalfLife))
}

// Expected is where the rep's expected closing date stands.
type Expected int

// The expected-date states.
const (
	ExpectedNone    Expected = iota
	ExpectedOverdue          // the date has passed
	ExpectedSoon             // within 30 days
	ExpectedLater
)

// ExpectedState classifies the expected date as of now.
func ExpectedState(date *time.Time, now time.Time) Expected {
	switch {
	case date == nil:
		return ExpectedNone
	case date.Before(now.Truncate(24 * time.Hour)):
		return ExpectedOverdue
	case date.Sub(now) <= 30*24*time.Hour:
		return ExpectedSoon
	}
	return ExpectedLater
}

// Signals are what is known of a (company, customer) as of a moment, from
// data before that moment only (the adapter's queries bound every read by it).
type Signals struct {
	// Decayed counts per action code (index 1–12), half-life 7 days.
	Decayed [13]float64
	// Count7d are the plain counts of the last 7 days (for the reasons' words).
	Count7d [13]int
	// DaysSinceLast is the days since the last action; negative when none.
	DaysSinceLast float64
	// Distinct14d is how many action types the customer used in 14 days.
	Distinct14d int
	// CustomerMessages7d are the customer's chat messages of 7 days.
	CustomerMessages7d int
	// ReplyHours is the reps' mean delay answering the customer (30 days);
	// negative when there was nothing to answer.
	ReplyHours float64
	// Notes30d are the follow-up notes of 30 days.
	Notes30d int
	// ManualPr is the rep's expected probability (0–100); negative when none.
	ManualPr int
	Expected Expected
	// Forwarded: the customer came through a forwarded card (转发), else a scan.
	Forwarded bool
	// AgeDays is the relationship's age in days.
	AgeDays float64
}

// Feature is one binned feature.
type Feature string

// The features, in the order they are binned and explained.
const (
	FViews    Feature = "views"       // 1 查看名片
	FContent  Feature = "content"     // 2 产品, 3 动态, 4 官网, 11 语音
	FCall     Feature = "call"        // 10 拨打电话
	FSave     Feature = "save_phone"  // 8 保存电话
	FWechat   Feature = "copy_wechat" // 5 复制微信
	FEmail    Feature = "copy_email"  // 12 复制邮箱
	FAsk      Feature = "ask_product" // 7 咨询产品
	FShare    Feature = "share"       // 6 转发名片, 9 觉得靠谱
	FRecency  Feature = "recency"
	FVariety  Feature = "variety"
	FChat     Feature = "chat"
	FReply    Feature = "reply"
	FNotes    Feature = "notes"
	FManual   Feature = "manual_pr"
	FExpected Feature = "expected"
	FSource   Feature = "source"
	FAge      Feature = "age"
)

// Features lists every feature.
var Features = []Feature{FViews, FContent, FCall, FSave, FWechat, FEmail, FAsk, FShare, FRecency, FVariety, FChat,
	FReply, FNotes, FManual, FExpected, FSource, FAge}

// Bin is a feature's value class: its index among the feature's bins.
type Bin int

// Binned is one customer's bins, one per feature (indexed like Features).
type Binned [17]Bin

// step bins x by ascending upper bounds: the first bound x is below.
func step(x float64, bounds ...float64) Bin {
	for i, b := range bounds {
		if x < b {
			return Bin(i)
		}
	}
	return Bin(len(bounds))
}

// BinSignals bins the signals.
func BinSignals(s Signals) Binned {
	d := s.Decayed
	var b Binned
	b[0] = step(d[1], 0.5, 1.5, 3.5)                  // views: none, ~1, 2–3, 4+
	b[1] = step(d[2]+d[3]+d[4]+d[11], 0.5, 2.5)       // content: none, 1–2, 3+
	b[2] = step(d[10], 0.5, 2.5)                      // calls: none, 1–2, 3+
	b[3] = step(d[8], 0.5)                            // saved the phone
	b[4] = step(d[5], 0.5)                            // copied the WeChat id
	b[5] = step(d[12], 0.5)                           // copied the e-mail
	b[6] = step(d[7], 0.5, 1.5)                       // product enquiries: none, 1, 2+
	b[7] = step(d[6]+d[9], 0.5)                       // forwarded or praised
	b[8] = recencyBin(s.DaysSinceLast)                // recency
	b[9] = step(float64(s.Distinct14d), 1, 2, 4)      // variety: 0, 1, 2–3, 4+
	b[10] = step(float64(s.CustomerMessages7d), 1, 3) // chat: 0, 1–2, 3+
	b[11] = replyBin(s.ReplyHours)                    // reply delay
	b[12] = step(float64(s.Notes30d), 1, 3)           // notes: 0, 1–2, 3+
	b[13] = manualBin(s.ManualPr)                     // manual probability
	b[14] = Bin(s.Expected)                           // expected date
	if s.Forwarded {
		b[15] = 1
	}
	b[16] = step(s.AgeDays, 7, 31, 91) // age: < 1 week, < 1 month, < 3 months, older
	return b
}

func recencyBin(days float64) Bin {
	if days < 0 {
		return 0 // never acted
	}
	return 1 + step(days, 1, 4, 8, 15, 31) // today, 1–3, 4–7, 8–14, 15–30, older
}

func replyBin(hours float64) Bin {
	if hours < 0 {
		return 0 // nothing to answer
	}
	return 1 + step(hours, 1, 24) // within an hour, within a day, slower
}

func manualBin(pr int) Bin {
	if pr < 0 {
		return 0
	}
	return 1 + step(float64(pr), 30, 60, 80) // < 30, 30–59, 60–79, 80+
}

// BinCount is how many bins each feature has (indexed like Features).
var BinCount = [17]int{4, 3, 3, 2, 2, 2, 3, 2, 7, 4, 3, 4, 3, 5, 4, 2, 4}
