package paging

import (
	"testing"

	"leida/domain/validate"
)

func TestParse(t *testing.T) {
	cases := []struct {
		page, length string
		def          int
		want         Page
		bad          []string
	}{
		{"", "", 10, Page{1, 10}, nil},
		{"3", "20", 10, Page{3, 20}, nil},
		{"2", "0", 10, Page{2, 0}, nil},
		{"x", "-1", 10, Page{1, 10}, []string{"current_page", "length"}},
		{"0", "y", 20, Page{1, 20}, []string{"current_page", "length"}},
	}
	for _, c := range cases {
		f := validate.New()
		got := Parse(f, c.page, c.length, c.def)
		if got != c.want {
			t.Errorf("%q/%q → %+v", c.page, c.length, got)
		}
		for _, field := range c.bad {
			if !f.Failed(field) {
				t.Errorf("%q/%q: %s not reported", c.page, c.length, field)
			}
		}
		if len(c.bad) == 0 && !f.OK() {
			t.Errorf("%q/%q: unexpected errors %v", c.page, c.length, f.Fields())
		}
	}
}

func TestParseSentEmptyIsInvalid(t *testing.T) {
	f := validate.New()
	if got := ParseSent(f, validate.Field{Value: "", Sent: true}, validate.Field{Value: " ", Sent: true}, 10); got != (Page{1, 10}) {
		t.Errorf("got %+v", got)
	}
	if !f.Failed("current_page") || !f.Failed("length") {
		t.Errorf("empty values not reported: %v", f.Fields())
	}
	f = validate.New()
	if got := ParseSent(f, validate.Field{}, validate.Field{}, 20); got != (Page{1, 20}) || !f.OK() {
		t.Errorf("absent values: %+v %v", got, f.Fields())
	}
}

func TestSlice(t *testing.T) {
	if from, to := (Page{2, 3}).Slice(7); from != 3 || to != 6 {
		t.Fatal(from, to)
	}
	if from, to := (Page{3, 3}).Slice(7); from != 6 || to != 7 {
		t.Fatal(from, to)
	}
	if from, to := (Page{9, 3}).Slice(7); from != 7 || to != 7 {
		t.Fatal(from, to)
	}
	if from, to := (Page{5, 0}).Slice(7); from != 0 || to != 7 {
		t.Fatal(from, to)
	}
}
