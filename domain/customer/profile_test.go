package customer

import "testing"

func TestSourceLabels(t *testing.T) {
	tests := []struct {
		s     Source
		label string
	}{{SourceScan, "扫码"}, {SourceForward, "转发"}, {3, "扫码"}}
	for _, tc := range tests {
		if tc.s.Label() != tc.label {
			t.Errorf("%d: %q", tc.s, tc.s.Label())
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
