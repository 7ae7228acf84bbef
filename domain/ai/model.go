package ai

import (
	"math"
	"sort"
)

// expertBin is a hand-set prior belief about one bin: how common it is
// among deals that were lost (share), and how much likelier it is among
// deals that were won (ratio).
type expertBin struct{ share, ratio float64 }

// expert is the prior every company starts from (indexed like Features):
// the high-intent actions, recent and varied activity, chats and a high
// manual probability raise the odds; silence and a low manual probability
// lower them.
var expert = [17][]expertBin{
	{{0.35, 0.6}, {0.30, 0.9}, {0.20, 1.3}, {0.15, 1.8}}, // views
	{{0.50, 0.8}, {0.30, 1.1}, {0.20, 1.5}},              // content
	{{0.80, 0.8}, {0.15, 2.2}, {0.05, 3.5}},              // calls
	{{0.85, 0.9}, {0.15, 2.0}},                           // saved the phone
	{{0.85, 0.9}, {0.15, 1.8}},                           // copied WeChat
	{{0.90, 0.95}, {0.10, 1.6}},                          // copied e-mail
	{{0.80, 0.85}, {0.15, 1.8}, {0.05, 2.8}},             // product enquiries
	{{0.80, 0.95}, {0.20, 1.3}},                          // forwarded, praised
	{{0.05, 0.3}, {0.10, 2.0}, {0.15, 1.6}, {0.15, 1.2}, {0.15, 0.9}, {0.20, 0.6}, {0.20, 0.35}}, // recency
	{{0.35, 0.6}, {0.30, 0.9}, {0.25, 1.4}, {0.10, 2.0}},                                         // variety
	{{0.70, 0.85}, {0.20, 1.4}, {0.10, 2.0}},                                                     // chat
	{{0.60, 0.95}, {0.15, 1.4}, {0.15, 1.0}, {0.10, 0.7}},                                        // reply delay
	{{0.60, 0.85}, {0.30, 1.2}, {0.10, 1.5}},                                                     // notes
	{{0.50, 0.9}, {0.15, 0.5}, {0.15, 0.9}, {0.10, 1.5}, {0.10, 2.2}},                            // manual probability
	{{0.60, 0.9}, {0.10, 0.7}, {0.15, 1.6}, {0.15, 1.1}},                                         // expected date
	{{0.70, 0.95}, {0.30, 1.1}},                                                                  // source
	{{0.20, 1.1}, {0.30, 1.1}, {0.30, 1.0}, {0.20, 0.8}},                                         // age
}

// Smoothing strengths, in deals: the expert prior weighs like ExpertDeals
// deals in the pooled table, the pooled table like PooledDeals deals in a
// company's own. ExpertWinRate is the prior share of deals won.
const (
	ExpertDeals   = 40.0
	PooledDeals   = 30.0
	ExpertWinRate = 0.2
	// MinDeals closed deals (with both outcomes) make a company's own model;
	// below, it is scored by the pooled prior.
	MinDeals = 30
)

// Counts are the bin counts of closed deals: per feature and bin, how many
// won and how many lost. They are the only thing pooled across companies.
type Counts struct {
	Won, Lost [17][]float64
	NWon      float64
	NLost     float64
}

// NewCounts is empty counts.
func NewCounts() Counts {
	var c Counts
	for f := range Features {
		c.Won[f] = make([]float64, BinCount[f])
		c.Lost[f] = make([]float64, BinCount[f])
	}
	return c
}

// Add counts one closed deal.
func (c *Counts) Add(b Binned, won bool) {
	for f := range Features {
		if won {
			c.Won[f][b[f]]++
		} else {
			c.Lost[f][b[f]]++
		}
	}
	if won {
		c.NWon++
	} else {
		c.NLost++
	}
}

// Clone is a deep copy.
func (c Counts) Clone() Counts {
	out := NewCounts()
	out.Merge(c)
	return out
}

// Merge adds other's counts.
func (c *Counts) Merge(other Counts) {
	for f := range Features {
		for i := range c.Won[f] {
			if i < len(other.Won[f]) && i < len(other.Lost[f]) { // counts of another feature set add nothing
				c.Won[f][i] += other.Won[f][i]
				c.Lost[f][i] += other.Lost[f][i]
			}
		}
	}
	c.NWon += other.NWon
	c.NLost += other.NLost
}

// Model kinds.
const (
	KindPrior      = "prior"       // the pooled table over the expert prior
	KindNaiveBayes = "naive_bayes" // the company's own counts over the pooled table
)

// Model scores binned customers: log-odds = LogPrior + Σ LLR[feature][bin],
// then the calibration σ(A·log-odds + B).
type Model struct {
	Kind     string        `json:"kind"`
	LogPrior float64       `json:"log_prior"`
	LLR      [17][]float64 `json:"llr"`
	A        float64       `json:"a"`
	B        float64       `json:"b"`
	Cuts     [3]int        `json:"cuts"` // tier cut-offs on ai_pr: A ≥ Cuts[0], B ≥ Cuts[1], C ≥ Cuts[2]
	Deals    int           `json:"deals"`
	Won      int           `json:"won"`
	Lost     int           `json:"lost"`
}

// smoothed is (n_b + k·p_b) / (n + k) for each bin: counts pulled toward
// the distribution p with the weight of k observations.
func smoothed(n []float64, p []float64, k float64) []float64 {
	total := 0.0
	for _, x := range n {
		total += x
	}
	out := make([]float64, len(n))
	for i := range n {
		out[i] = (n[i] + k*p[i]) / (total + k)
	}
	return out
}

// BinFloor is the least share of a class a bin is given (Laplace's rule in
// spirit): a bin never seen among lost deals is rare there, not impossible,
// so no single bin dominates a score.
const BinFloor = 0.01

// floored raises every share to BinFloor and renormalises.
func floored(p []float64) []float64 {
	out := make([]float64, len(p))
	sum := 0.0
	for i, x := range p {
		out[i] = math.Max(x, BinFloor)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func expertDistributions(f int) (won, lost []float64) {
	won, lost = make([]float64, len(expert[f])), make([]float64, len(expert[f]))
	sum := 0.0
	for i, e := range expert[f] {
		lost[i] = e.share
		won[i] = e.share * e.ratio
		sum += won[i]
	}
	for i := range won {
		won[i] /= sum
	}
	return won, lost
}

// Fit builds the model of a company from its own closed deals and the
// pooled counts of every company (which include its own; pass NewCounts()
// when pooling is off). With fewer than MinDeals deals, or only one
// outcome, the company is scored by the pooled prior.
func Fit(own, pooled Counts) Model {
	m := Model{A: 1, Cuts: DefaultCuts, Deals: int(own.NWon + own.NLost), Won: int(own.NWon), Lost: int(own.NLost)}
	useOwn := m.Deals >= MinDeals && own.NWon > 0 && own.NLost > 0
	m.Kind = KindPrior
	if useOwn {
		m.Kind = KindNaiveBayes
	}
	pooledRate := (pooled.NWon + ExpertDeals*ExpertWinRate) / (pooled.NWon + pooled.NLost + ExpertDeals)
	rate := pooledRate
	if useOwn {
		rate = (own.NWon + PooledDeals*pooledRate) / (own.NWon + own.NLost + PooledDeals)
	}
	m.LogPrior = math.Log(rate / (1 - rate))
	for f := range Features {
		ew, el := expertDistributions(f)
		pw, pl := smoothed(pooled.Won[f], ew, ExpertDeals), smoothed(pooled.Lost[f], el, ExpertDeals)
		if useOwn {
			pw, pl = smoothed(own.Won[f], pw, PooledDeals), smoothed(own.Lost[f], pl, PooledDeals)
		}
		pw, pl = floored(pw), floored(pl)
		m.LLR[f] = make([]float64, len(pw))
		for i := range pw {
			m.LLR[f][i] = math.Log(pw[i] / pl[i])
		}
	}
	return m
}

// DefaultCuts split ai_pr into tiers before a company has open customers to
// rank: 75, 50, 25.
var DefaultCuts = [3]int{75, 50, 25}

// Scored is a customer's score and where it came from.
type Scored struct {
	LogOdds  float64     // before calibration
	Prob     float64     // calibrated
	AIPr     int         // 1–99
	Contribs [17]float64 // each feature's log-odds term
}

// Score scores binned features.
func (m Model) Score(b Binned) Scored {
	s := Scored{LogOdds: m.LogPrior}
	for f := range Features {
		if f < len(m.LLR) && int(b[f]) < len(m.LLR[f]) {
			s.Contribs[f] = m.LLR[f][b[f]]
			s.LogOdds += s.Contribs[f]
		}
	}
	s.Prob = sigmoid(m.A*s.LogOdds + m.B)
	s.AIPr = Percent(s.Prob)
	return s
}

// Percent is a probability as the wire's integer 1–99.
func Percent(p float64) int {
	return int(math.Max(1, math.Min(99, math.Round(100*p))))
}

// Tier is A (the company's top quarter) … D.
func (m Model) Tier(aiPr int) string {
	switch {
	case aiPr >= m.Cuts[0]:
		return "A"
	case aiPr >= m.Cuts[1]:
		return "B"
	case aiPr >= m.Cuts[2]:
		return "C"
	}
	return "D"
}

// QuartileCuts are the tier cut-offs that put a quarter of the scores in
// each tier (the top quarter is A); DefaultCuts when there are fewer than 4.
func QuartileCuts(scores []int) [3]int {
	if len(scores) < 4 {
		return DefaultCuts
	}
	s := append([]int(nil), scores...)
	sort.Ints(s)
	at := func(q float64) int { return s[int(math.Ceil(q*float64(len(s))))-1] }
	cuts := [3]int{at(0.75) + 1, at(0.5) + 1, at(0.25) + 1}
	for i := 1; i < 3; i++ { // ties may merge tiers; cut-offs never rise
		cuts[i] = min(cuts[i], cuts[i-1])
	}
	return cuts
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Calibrate fits Platt scaling σ(A·logodds + B) to outcomes, with a ridge
// toward the identity (A 1, B 0) weighing like a few deals: Newton steps on
// the (convex) penalised log loss, halved whenever a step would raise it.
func Calibrate(logOdds []float64, won []bool) (a, b float64) {
	const ridge = 2.0
	loss := func(a, b float64) float64 {
		s := ridge/2*((a-1)*(a-1)) + ridge/2*b*b
		for i, x := range logOdds {
			z := a*x + b
			// log(1 + e^z) − y·z, computed without overflow
			l := math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
			if won[i] {
				l -= z
			}
			s += l
		}
		return s
	}
	a, b = 1, 0
	cur := loss(a, b)
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, x := range logOdds {
			p := sigmoid(a*x + b)
			y := 0.0
			if won[i] {
				y = 1
			}
			w := p * (1 - p)
			ga += (p - y) * x
			gb += p - y
			haa += w * x * x
			hab += w * x
			hbb += w
		}
		ga += ridge * (a - 1)
		gb += ridge * b
		haa += ridge
		hbb += ridge
		det := haa*hbb - hab*hab
		if det <= 1e-12 {
			break
		}
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		step := 1.0
		for ; step > 1e-6; step /= 2 {
			if next := loss(a-step*da, b-step*db); next <= cur {
				a, b, cur = a-step*da, b-step*db, next
				break
			}
		}
		if step <= 1e-6 || math.Abs(step*da)+math.Abs(step*db) < 1e-10 {
			break
		}
	}
	return a, b
}
