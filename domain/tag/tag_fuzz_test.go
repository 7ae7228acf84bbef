package tag

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// checkUnique: no duplicate, every id from in, first occurrences in order.
func checkUnique(t *testing.T, in, out []int64) {
	t.Helper()
	var want []int64
	seen := map[int64]bool{}
	for _, id := range in {
		if !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	if len(out) != len(want) || (len(want) > 0 && !slices.Equal(out, want)) {
		t.Fatalf("Unique(%v) = %v, want %v", in, out, want)
	}
}

func absDigits(id int64) string {
	return strings.TrimPrefix(strconv.FormatInt(id, 10), "-")
}

// checkRawLists feeds raw form values (one to three, as repeated keys):
// it never panics; an accepted list has no duplicate and each id's digits
// appear in the input; strict mode reads only the last value and only a JSON
// array, which lenient mode reads the same way; lenient over several values
// is the de-duplicated concatenation of each value read alone.
func checkRawLists(t *testing.T, a, b, c string, n uint8, lenient bool) {
	values := []string{a, b, c}[:n%4]
	ids, ok := ParseIDList(values, lenient)
	if len(values) == 0 {
		if ok || ids != nil {
			t.Fatalf("no value: %v, %v", ids, ok)
		}
		return
	}
	if !ok {
		if ids != nil {
			t.Fatalf("refused %q but returned %v", values, ids)
		}
	} else {
		if ids == nil {
			t.Fatalf("accepted %q as nil", values)
		}
		checkUnique(t, ids, Unique(ids))
		all := strings.Join(values, "\n")
		for _, id := range ids {
			if !strings.Contains(all, absDigits(id)) {
				t.Fatalf("%q gave id %d, which is not in it", values, id)
			}
		}
	}

	last := values[len(values)-1]
	if !lenient {
		if ok && !strings.HasPrefix(strings.TrimSpace(last), "[") {
			t.Fatalf("strict mode read %q, not a JSON array, as %v", last, ids)
		}
		lastIDs, lastOK := ParseIDList([]string{last}, false)
		if lastOK != ok || !slices.Equal(lastIDs, ids) {
			t.Fatalf("strict %q = %v, %v; its last value alone = %v, %v", values, ids, ok, lastIDs, lastOK)
		}
		if ok {
			lenIDs, lenOK := ParseIDList([]string{last}, true)
			if !lenOK || !slices.Equal(lenIDs, ids) {
				t.Fatalf("strict %q = %v, lenient = %v, %v", last, ids, lenIDs, lenOK)
			}
		}
		return
	}
	var concat []int64
	allOK := true
	for _, v := range values {
		part, pok := ParseIDList([]string{v}, true)
		if !pok {
			allOK = false
			break
		}
		concat = append(concat, part...)
	}
	if allOK != ok {
		t.Fatalf("lenient %q = %v, %v, yet each value alone: ok=%v", values, ids, ok, allOK)
	}
	if ok {
		checkUnique(t, concat, ids)
	}
}

// checkEncodings sends known ids in every wire form the doc comment
// names and checks they come back, de-duplicated, in order.
func checkEncodings(t *testing.T, x, y, z int64) {
	in := []int64{x, y, z}
	want := Unique(in)
	checkUnique(t, in, want)
	numbers, _ := json.Marshal(in)
	strs := make([]string, len(in))
	for i, id := range in {
		strs[i] = strconv.FormatInt(id, 10)
	}
	quoted, _ := json.Marshal(strs)
	comma := strings.Join(strs, ", ")
	expect := func(values []string, lenient, wantOK bool) {
		t.Helper()
		ids, ok := ParseIDList(values, lenient)
		if ok != wantOK || (ok && !slices.Equal(ids, want)) {
			t.Fatalf("ParseIDList(%q, lenient=%v) = %v, %v; want %v, %v", values, lenient, ids, ok, want, wantOK)
		}
	}
	for _, lenient := range []bool{false, true} {
		expect([]string{string(numbers)}, lenient, true)
		expect([]string{" " + string(quoted) + " "}, lenient, true)
		expect([]string{"[]", string(numbers)}, lenient, true) // strict: the last; lenient: both
		expect([]string{comma}, lenient, lenient)
		expect(strs, lenient, lenient) // repeated keys
	}
	expect([]string{"[" + strs[0] + "]", strs[1] + "," + strs[2]}, true, true)
}

// FuzzIDList: the id lists of tag_list=[…], comma lists and
// repeated keys (ParseIDList, Unique), as raw values (checkRawLists) and as
// known ids in every wire form (checkEncodings). The seeds (f.Add and
// testdata/fuzz/FuzzIDList/) run with every `go test`; `make fuzz` explores
// further.
func FuzzIDList(f *testing.F) {
	ids := [][3]int64{{1, 2, 3}, {5, 5, 5}, {0, -1, 9223372036854775807}, {-9223372036854775808, 42, -9223372036854775808}}
	i := 0
	add := func(a, b, c string, n uint8, lenient bool) {
		x := ids[i%len(ids)]
		i++
		f.Add(a, b, c, n, lenient, x[0], x[1], x[2])
	}
	for _, v := range []string{"[1,2]", "[]", `["1","2"]`, `[" 3 ", 4]`, "[1,1,2,1]", "1,2", " 1 , 2 ", "1,,2", "1,2,", "", " ",
		"[1.5]", "[1e2]", "[null]", "null", "[[1]]", `[{"id":1}]`, "[9223372036854775807,-9223372036854775808]",
		"[9223372036854775808]", "[-0, +1]", `["+1","007"]`, `["\u0031"]`, "[1,2", "[1]x", "[1] ", "１,２", "[1,\x002]",
		"[\xff]", "abc"} {
		add(v, "", "", 1, false)
		add(v, "", "", 1, true)
	}
	for _, v := range [][3]string{{"[1]", "[2,3]", "4,1"}, {"1", "2", "3"}, {"[1]", "x", "[2]"}, {"x", "[1]", ""}} {
		add(v[0], v[1], v[2], 3, false)
		add(v[0], v[1], v[2], 3, true)
		add(v[0], v[1], v[2], 2, true)
	}
	add("", "", "", 0, true) // no value at all
	f.Fuzz(func(t *testing.T, a, b, c string, n uint8, lenient bool, x, y, z int64) {
		checkRawLists(t, a, b, c, n, lenient)
		checkEncodings(t, x, y, z)
	})
}
