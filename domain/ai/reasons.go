package ai

import (
	"fmt"
	"math"
	"sort"
)

// Reason is one factor of a score in the rep's words, with its points: its
// share of the distance between the score and the company's base score (a
// customer with no evidence either way); the points of all factors add up
// to that distance.
type Reason struct {
	Text   string `json:"text"`
	Points int    `json:"points"`
}

// ReasonsShown is how many reasons for and how many against are shown.
const ReasonsShown = 3

// Reasons are the strongest factors for and against the score (at most
// ReasonsShown each, strongest first; factors under a point left out).
func (m Model) Reasons(s Scored, sig Signals) []Reason {
	var pos, neg []Reason
	// Points per unit of log-odds: the mean slope of the score between the
	// base and this customer (the slope at the customer when they coincide).
	p, base := 100*sigmoid(m.A*s.LogOdds+m.B), 100*sigmoid(m.A*m.LogPrior+m.B)
	slope := 100 * m.A * sigmoid(m.A*s.LogOdds+m.B) * (1 - sigmoid(m.A*s.LogOdds+m.B))
	if d := s.LogOdds - m.LogPrior; math.Abs(d) > 1e-9 {
		slope = (p - base) / d
	}
	for f := range Features {
		points := int(math.Round(s.Contribs[f] * slope))
		if points == 0 {
			continue
		}
		r := Reason{Text: reasonText(f, sig), Points: points}
		if points > 0 {
			pos = append(pos, r)
		} else {
			neg = append(neg, r)
		}
	}
	sort.SliceStable(pos, func(i, j int) bool { return pos[i].Points > pos[j].Points })
	sort.SliceStable(neg, func(i, j int) bool { return neg[i].Points < neg[j].Points })
	out := append(pos[:min(len(pos), ReasonsShown)], neg[:min(len(neg), ReasonsShown)]...)
	if out == nil {
		out = []Reason{}
	}
	return out
}

// reasonText says what a feature's bin means for this customer.
func reasonText(f int, s Signals) string {
	c := s.Count7d
	count := func(n int, did, none string) string {
		if n > 0 {
			return fmt.Sprintf(did, n)
		}
		return none
	}
	switch Features[f] {
	case FViews:
		return count(c[1], "近7天查看名片%d次", "近7天没有查看名片")
	case FContent:
		return count(c[2]+c[3]+c[4]+c[11], "近7天浏览产品和动态%d次", "近7天没有浏览产品和动态")
	case FCall:
		return count(c[10], "近7天拨打您的电话%d次", "近期没有拨打您的电话")
	case FSave:
		return count(c[8], "近7天保存了您的电话%d次", "没有保存您的电话")
	case FWechat:
		return count(c[5], "近7天复制了您的微信%d次", "没有复制您的微信")
	case FEmail:
		return count(c[12], "近7天复制了您的邮箱%d次", "没有复制您的邮箱")
	case FAsk:
		return count(c[7], "近7天咨询产品%d次", "近期没有咨询产品")
	case FShare:
		return count(c[6]+c[9], "近7天转发或点赞您的名片%d次", "没有转发或点赞您的名片")
	case FRecency:
		switch {
		case s.DaysSinceLast < 0:
			return "还没有任何互动"
		case s.DaysSinceLast < 1:
			return "今天有互动"
		}
		return fmt.Sprintf("已%d天没有互动", int(s.DaysSinceLast))
	case FVariety:
		return fmt.Sprintf("近14天有%d种互动", s.Distinct14d)
	case FChat:
		return count(s.CustomerMessages7d, "近7天给您发了%d条消息", "近7天没有给您发消息")
	case FReply:
		if s.ReplyHours < 0 {
			return "没有待回复的消息"
		}
		if s.ReplyHours < 1 {
			return "您的回复在1小时内"
		}
		return fmt.Sprintf("您平均%d小时后回复", int(math.Round(s.ReplyHours)))
	case FNotes:
		return count(s.Notes30d, "近30天有%d条跟进记录", "近30天没有跟进记录")
	case FManual:
		if s.ManualPr < 0 {
			return "您还没有填写预计成交率"
		}
		return fmt.Sprintf("您预计成交率%d%%", s.ManualPr)
	case FExpected:
		return [...]string{"没有预计成交日期", "预计成交日期已过", "预计30天内成交", "预计成交日期在30天后"}[s.Expected]
	case FSource:
		if s.Forwarded {
			return "通过转发的名片而来"
		}
		return "扫码而来"
	case FAge:
		return fmt.Sprintf("已认识%d天", int(s.AgeDays))
	}
	return string(Features[f])
}
