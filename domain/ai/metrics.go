package ai

import (
	"math"
	"sort"
)

// AUC is the area under the ROC curve of scores against outcomes (the
// probability that a won deal scores above a lost one; ties count half);
// 0.5 when either class is missing.
func AUC(scores []float64, won []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return scores[idx[i]] < scores[idx[j]] })
	var rankSum, nWon, nLost float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // mean 1-based rank of the tie group
		for k := i; k < j; k++ {
			if won[idx[k]] {
				rankSum += rank
				nWon++
			} else {
				nLost++
			}
		}
		i = j
	}
	if nWon == 0 || nLost == 0 {
		return 0.5
	}
	return (rankSum - nWon*(nWon+1)/2) / (nWon * nLost)
}

// Brier is the mean squared error of probabilities.
func Brier(probs []float64, won []bool) float64 {
	if len(probs) == 0 {
		return 0
	}
	s := 0.0
	for i, p := range probs {
		y := 0.0
		if won[i] {
			y = 1
		}
		s += (p - y) * (p - y)
	}
	return s / float64(len(probs))
}

// LogLoss is the mean negative log-likelihood (probabilities clipped to
// [1e-6, 1-1e-6]).
func LogLoss(probs []float64, won []bool) float64 {
	if len(probs) == 0 {
		return 0
	}
	s := 0.0
	for i, p := range probs {
		p = math.Min(1-1e-6, math.Max(1e-6, p))
		if won[i] {
			s -= math.Log(p)
		} else {
			s -= math.Log(1 - p)
		}
	}
	return s / float64(len(probs))
}

// ReliabilityBin is one tenth of the probability range: the deals scored in
// it, their mean probability and the share actually won.
type ReliabilityBin struct {
	Lo, Hi    float64
	N         int
	Predicted float64
	Observed  float64
}

// Reliability is the 10-bin reliability table and its calibration error:
// the mean, weighted by deals, of |predicted − observed| over the bins.
func Reliability(probs []float64, won []bool) ([]ReliabilityBin, float64) {
	bins := make([]ReliabilityBin, 10)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/10, float64(i+1)/10
	}
	for i, p := range probs {
		k := min(9, int(p*10))
		bins[k].N++
		bins[k].Predicted += p
		if won[i] {
			bins[k].Observed++
		}
	}
	errSum := 0.0
	for i := range bins {
		if n := float64(bins[i].N); n > 0 {
			bins[i].Predicted /= n
			bins[i].Observed /= n
			errSum += n * math.Abs(bins[i].Predicted-bins[i].Observed)
		}
	}
	if len(probs) == 0 {
		return bins, 0
	}
	return bins, errSum / float64(len(probs))
}

// TopPrecision is the share won among the top fraction of scores.
func TopPrecision(scores []float64, won []bool, fraction float64) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return scores[idx[i]] > scores[idx[j]] })
	k := int(math.Ceil(fraction * float64(len(idx))))
	if k == 0 {
		return 0
	}
	hits := 0
	for _, i := range idx[:k] {
		if won[i] {
			hits++
		}
	}
	return float64(hits) / float64(k)
}
