package ai

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

func TestDecayHalvesEveryWeekAndIgnoresTheFuture(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Time
		want float64
	}{
		{now, 1}, {now.Add(-HalfLife), 0.5}, {now.Add(-2 * HalfLife), 0.25}, {now.Add(-HalfLife / 2), math.Sqrt2 / 2},
		{now.Add(time.Second), 0},
	} {
		if got := Decay(c.at, now); !near(got, c.want, 1e-12) {
			t.Errorf("Decay(%v) = %v, want %v", now.Sub(c.at), got, c.want)
		}
	}
}

func TestBinning(t *testing.T) {
	var s Signals
	s.DaysSinceLast, s.ReplyHours, s.ManualPr = -1, -1, -1
	b := BinSignals(s)
	if b != (Binned{}) {
		t.Fatalf("a customer who did nothing: %v", b)
	}
	s.Decayed[1], s.Decayed[10], s.Decayed[7] = 3.6, 2.5, 1.49
	s.DaysSinceLast, s.Distinct14d, s.CustomerMessages7d, s.ReplyHours = 0.5, 4, 2, 30
	s.ManualPr, s.Expected, s.Forwarded, s.AgeDays = 80, ExpectedSoon, true, 100
	b = BinSignals(s)
	want := map[Feature]Bin{FViews: 3, FCall: 2, FAsk: 1, FRecency: 1, FVariety: 3, FChat: 1, FReply: 3, FManual: 4,
		FExpected: 2, FSource: 1, FAge: 3}
	for f, feature := range Features {
		if b[f] != want[feature] {
			t.Errorf("%s: bin %d, want %d", feature, b[f], want[feature])
		}
		if int(b[f]) >= BinCount[f] || len(expert[f]) != BinCount[f] {
			t.Errorf("%s: bin %d of %d (expert %d)", feature, b[f], BinCount[f], len(expert[f]))
		}
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		date *time.Time
		want Expected
	}{
		{nil, ExpectedNone}, {ptr(now.AddDate(0, 0, -1)), ExpectedOverdue}, {ptr(now.Truncate(24 * time.Hour)), ExpectedSoon},
		{ptr(now.AddDate(0, 0, 30)), ExpectedSoon}, {ptr(now.AddDate(0, 0, 31)), ExpectedLater},
	} {
		if got := ExpectedState(c.date, now); got != c.want {
			t.Errorf("expected %v: %d, want %d", c.date, got, c.want)
		}
	}
}

func ptr(t time.Time) *time.Time { return &t }

// A hand-computed naive Bayes: no pooled history, the company's own counts
// over the expert prior for one feature.
func TestNaiveBayesArithmeticByHand(t *testing.T) {
	own, pooled := NewCounts(), NewCounts()
	// 40 deals: 10 won (8 of them called: bin 1), 30 lost (3 called).
	for i := range 40 {
		var b Binned
		won := i < 10
		if won && i < 8 || !won && i < 13 {
			b[2] = 1
		}
		own.Add(b, won)
	}
	pooled.Merge(own)
	m := Fit(own, pooled)
	if m.Kind != KindNaiveBayes || m.Deals != 40 || m.Won != 10 {
		t.Fatalf("%+v", m)
	}
	// Pooled rate: (10 + 40·0.2) / (40 + 40) = 0.225; own: (10 + 30·0.225) / (40 + 30).
	rate := (10 + 30*0.225) / 70
	if !near(m.LogPrior, math.Log(rate/(1-rate)), 1e-12) {
		t.Fatalf("log prior %v", m.LogPrior)
	}
	// Calls, bin 1: expert won share 0.15·2.2 / (0.8·0.8 + 0.15·2.2 + 0.05·3.5), lost share 0.15.
	ew := 0.15 * 2.2 / (0.8*0.8 + 0.15*2.2 + 0.05*3.5)
	pw := (8 + 40*ew) / (10 + 40)   // pooled, won
	pl := (3 + 40*0.15) / (30 + 40) // pooled, lost
	cw := (8 + 30*pw) / (10 + 30)   // the company's own, won
	cl := (3 + 30*pl) / (30 + 30)
	if !near(m.LLR[2][1], math.Log(cw/cl), 1e-12) {
		t.Fatalf("LLR %v, want %v", m.LLR[2][1], math.Log(cw/cl))
	}
	var b Binned
	b[2] = 1
	s := m.Score(b)
	want := m.LogPrior
	for f := range Features {
		want += m.LLR[f][b[f]]
	}
	if !near(s.LogOdds, want, 1e-12) || !near(s.Prob, 1/(1+math.Exp(-want)), 1e-12) || s.AIPr != Percent(s.Prob) {
		t.Fatalf("%+v", s)
	}
	// Few deals: the pooled prior, whatever the company's own counts.
	few := NewCounts()
	few.Add(Binned{}, true)
	if m := Fit(few, pooled); m.Kind != KindPrior {
		t.Fatalf("kind %s", m.Kind)
	}
}

func TestSmoothingPullsTowardThePrior(t *testing.T) {
	got := smoothed([]float64{0, 10}, []float64{0.5, 0.5}, 10)
	if !near(got[0], 0.25, 1e-12) || !near(got[1], 0.75, 1e-12) {
		t.Fatal(got)
	}
	// Without counts, the prior itself.
	if got := smoothed([]float64{0, 0}, []float64{0.3, 0.7}, 5); !near(got[0], 0.3, 1e-12) {
		t.Fatal(got)
	}
}

func TestCalibrationFitsASkewedScale(t *testing.T) {
	// True probability σ(0.5·x − 1) of log-odds x: the fit recovers about a = 0.5, b = −1.
	rng := rand.New(rand.NewPCG(1, 2))
	var xs []float64
	var ys []bool
	for range 20000 {
		x := rng.NormFloat64() * 2
		xs = append(xs, x)
		ys = append(ys, rng.Float64() < sigmoid(0.5*x-1))
	}
	a, b := Calibrate(xs, ys)
	if !near(a, 0.5, 0.05) || !near(b, -1, 0.07) {
		t.Fatalf("a %v b %v", a, b)
	}
	// No data: the identity.
	if a, b := Calibrate(nil, nil); a != 1 || b != 0 {
		t.Fatalf("a %v b %v", a, b)
	}
}

func TestMetrics(t *testing.T) {
	scores := []float64{0.1, 0.4, 0.35, 0.8}
	won := []bool{false, false, true, true}
	if got := AUC(scores, won); !near(got, 0.75, 1e-12) {
		t.Fatalf("AUC %v", got)
	}
	if got := AUC([]float64{0.5, 0.5}, []bool{true, false}); got != 0.5 {
		t.Fatalf("tied AUC %v", got)
	}
	if got := Brier([]float64{1, 0, 0.5}, []bool{true, false, true}); !near(got, 0.25/3, 1e-12) {
		t.Fatalf("Brier %v", got)
	}
	if got := LogLoss([]float64{0.5}, []bool{true}); !near(got, math.Ln2, 1e-12) {
		t.Fatalf("log loss %v", got)
	}
	bins, ece := Reliability([]float64{0.05, 0.05, 0.95, 0.95}, []bool{false, true, true, true})
	if bins[0].N != 2 || !near(bins[0].Observed, 0.5, 1e-12) || !near(ece, (2*0.45+2*0.05)/4, 1e-12) {
		t.Fatalf("%+v %v", bins[0], ece)
	}
	if got := TopPrecision(scores, won, 0.5); got != 0.5 {
		t.Fatalf("top %v", got)
	}
}

func TestQuartileCutsAndTiers(t *testing.T) {
	cuts := QuartileCuts([]int{10, 20, 30, 40, 50, 60, 70, 80})
	m := Model{Cuts: cuts}
	tiers := ""
	for _, s := range []int{10, 20, 30, 40, 50, 60, 70, 80} {
		tiers += m.Tier(s)
	}
	if tiers != "DDCCBBAA" {
		t.Fatalf("cuts %v: %s", cuts, tiers)
	}
	if QuartileCuts([]int{5}) != DefaultCuts {
		t.Fatal("few scores")
	}
}

// The reasons name the strongest factors, with the signs of their effect.
func TestReasonsExplainTheScore(t *testing.T) {
	m := Fit(NewCounts(), NewCounts()) // the expert prior alone
	var hot Signals
	hot.Decayed[10], hot.Count7d[10] = 3, 2
	hot.Decayed[1], hot.Count7d[1] = 4, 5
	hot.DaysSinceLast, hot.ReplyHours, hot.ManualPr, hot.Distinct14d = 0.2, -1, 80, 4
	s := m.Score(BinSignals(hot))
	r := m.Reasons(s, hot)
	if len(r) == 0 || !strings.Contains(r[0].Text, "拨打您的电话2次") || r[0].Points <= 0 {
		t.Fatalf("%+v", r)
	}
	var cold Signals
	cold.DaysSinceLast, cold.ReplyHours, cold.ManualPr = 40, -1, 10
	cs := m.Score(BinSignals(cold))
	r = m.Reasons(cs, cold)
	found := false
	for _, x := range r {
		if x.Text == "已40天没有互动" && x.Points < 0 {
			found = true
		}
	}
	if !found || cs.AIPr >= s.AIPr {
		t.Fatalf("cold %d vs hot %d: %+v", cs.AIPr, s.AIPr, r)
	}
	// Shown reasons come strongest first, for then against.
	r = m.Reasons(s, hot)
	for i := 1; i < len(r); i++ {
		if r[i-1].Points > 0 && r[i].Points > 0 && r[i].Points > r[i-1].Points ||
			r[i-1].Points < 0 && r[i].Points < 0 && r[i].Points < r[i-1].Points || r[i-1].Points < 0 && r[i].Points > 0 {
			t.Fatalf("order %+v", r)
		}
	}
}
