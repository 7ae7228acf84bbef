package customer

import "testing"

func TestSourceLabels(t *testing.T) {
	tests := []struct {
		s     Source
		label string
		valid bool
	}{{SourceScan, "扫码", true}, {SourceForward, "转发", true}, {3, "扫码", false}}
	for _, tc := range tests {
		if tc.s.Label() != tc.label || tc.s.Valid() != tc.valid {
			t.Errorf("%d: %q %v", tc.s, tc.s.Label(), tc.s.Valid())
		}
	}
}

func TestAIPr(t *testing.T) {
	pr := "80%"
	if got := (Detail{Profile: Profile{ExpedtedPr: &pr}}).AIPr(); got != "80%" {
		t.Errorf("got %q", got)
	}
	if got := (Detail{}).AIPr(); got != "" {
		t.Errorf("unset: got %q", got)
	}
}
