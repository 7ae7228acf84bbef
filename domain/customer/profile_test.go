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

func TestAIPrWire(t *testing.T) {
	pr := 57
	if got := (Detail{AIPr: &pr}).AIPrWire(); got != "57" {
		t.Fatalf("got %q", got)
	}
	if got := (Detail{}).AIPrWire(); got != "" {
		t.Fatalf("got %q", got)
	}
}
