package radar

import (
	"testing"
	"time"
)

func TestCardViewRemark(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{1, "首次查看你的名片,沟通从此刻开始"},
		{2, "查看你的名片第2次,把握深度交流的机会"},
		{3, "查看你的名片第3次,建议标注重点客户"},
		{4, "查看你的名片第4次,成交在望"},
		{5, "查看你的名片第5次,成交在望"},
		{123, "查看你的名片第123次,成交在望"},
	} {
		if got := CardViewRemark(c.n); got != c.want {
			t.Errorf("CardViewRemark(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestLabelsAndFixedRemarks(t *testing.T) {
	want := map[Action][2]string{
		1: {"查看名片", ""}, 2: {"查看产品", "正在查看你发布的产品,尽快把握商机"}, 3: {"查看动态", "查看了公司的动态"},
		4: {"查看官网", "查看了您的官网"}, 5: {"复制微信", "复制了您的微信号"}, 6: {"转发名片", "转发了你的名片,你的人脉圈正在裂变"},
		7: {"咨询产品", "咨询了您的产品"}, 8: {"保存电话", "保存了您的电话,可以考虑拜访"}, 9: {"觉得靠谱", "觉得您非常靠谱"},
		10: {"拨打电话", "拨打您的手机"}, 11: {"播放语音", "播放了您的语音介绍"}, 12: {"复制邮箱", "复制了您的邮箱"},
	}
	all := All()
	if len(all) != 12 {
		t.Fatalf("All() = %v", all)
	}
	for i, a := range all {
		if int(a) != i+1 || !a.Valid() {
			t.Fatalf("All()[%d] = %d", i, a)
		}
		if a.Label() != want[a][0] || FixedRemark(a) != want[a][1] {
			t.Errorf("action %d: %q %q", a, a.Label(), FixedRemark(a))
		}
	}
	for _, a := range []Action{0, 13, -1} {
		if a.Valid() || FixedRemark(a) != "" {
			t.Errorf("action %d should be invalid", a)
		}
	}
	if Action(13).Label() != "13" {
		t.Errorf("unknown label %q", Action(13).Label())
	}
}

func TestLogLine(t *testing.T) {
	if got := (Log{CustomerUsername: "张聪", Remark: RemarkCall}).Line(); got != "张聪拨打您的手机" {
		t.Fatal(got)
	}
	if got := (Log{Remark: RemarkCall}).Line(); got != "拨打您的手机" {
		t.Fatal(got)
	}
}

func TestWindows(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 3, 2, 0, 30, 0, 0, loc) // just after midnight
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	defFrom := day(2026, 2, 23) // today and the 7 days before
	for _, c := range []struct {
		name      string
		b         Bounds
		hasAction bool
		timeline  Window
		summary   Window
	}{
		{"nothing", Bounds{}, false, Window{}, Window{From: defFrom}},
		{"action only", Bounds{}, true, Window{From: defFrom}, Window{From: defFrom}},
		{"from", Bounds{From: day(2026, 1, 1), HasFrom: true}, true, Window{From: day(2026, 1, 1)}, Window{From: day(2026, 1, 1)}},
		{"to is inclusive", Bounds{To: day(2026, 2, 28), HasTo: true}, false, Window{To: day(2026, 3, 1)},
			Window{From: defFrom, To: day(2026, 3, 1)}},
		{"both", Bounds{From: day(2026, 2, 1), HasFrom: true, To: day(2026, 2, 1), HasTo: true}, false,
			Window{From: day(2026, 2, 1), To: day(2026, 2, 2)}, Window{From: day(2026, 2, 1), To: day(2026, 2, 2)}},
	} {
		if got := TimelineWindow(c.b, c.hasAction, now); !got.From.Equal(c.timeline.From) || !got.To.Equal(c.timeline.To) {
			t.Errorf("%s: timeline %v", c.name, got)
		}
		if got := SummaryWindow(c.b, now); !got.From.Equal(c.summary.From) || !got.To.Equal(c.summary.To) {
			t.Errorf("%s: summary %v", c.name, got)
		}
	}
}

// Where a clock change skips midnight (Havana, 8 March 2026: 00:00 → 01:00),
// the day starts at the first instant that exists, not an hour early.
func TestStartOfDayAcrossAMidnightGap(t *testing.T) {
	havana, err := time.LoadLocation("America/Havana")
	if err != nil {
		t.Skip("no tzdata for America/Havana")
	}
	start := StartOfDay(2026, 3, 8, havana)
	if y, m, d := start.Date(); y != 2026 || m != 3 || d != 8 || start.Hour() != 1 {
		t.Fatalf("start %v", start)
	}
	if next := NextDay(start); next.Day() != 9 || next.Hour() != 0 {
		t.Fatalf("next %v", next)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	if got := StartOfDay(2026, 3, 8, sh); !got.Equal(time.Date(2026, 3, 8, 0, 0, 0, 0, sh)) {
		t.Fatalf("Shanghai %v", got)
	}
}
