package card

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"

	cardmocks "leida/application/card/mocks"
	"leida/domain/errs"
	"leida/ports/mocks"
)

// FuzzKeepTagsList: E51's tag_list, a JSON array of ids, never
// panics; missing or blank is 301 required, anything but a JSON array of
// integers is 301 "Enter a valid JSON." on tag_list, and only a list that
// parses reaches the transaction (which, here, writes nothing).
func FuzzKeepTagsList(f *testing.F) {
	for _, s := range []string{"[1,2]", "[]", " [3] ", "null", `["1"]`, "[1.5]", "[1e2]", "[-1]", "[9223372036854775807]",
		"[9223372036854775808]", "[1,2", "[1]x", `{"id":1}`, `"[1]"`, "1,2", "", "  ", "[１]", "[1,\x002]", "\xff"} {
		f.Add(s, true)
	}
	f.Add("[1]", false)
	f.Fuzz(func(t *testing.T, tagList string, sent bool) {
		ctrl := gomock.NewController(t)
		tx := mocks.NewMockTxRunner(ctrl)
		var ids []int64
		parses := json.Unmarshal([]byte(tagList), &ids) == nil
		blank := !sent || strings.TrimSpace(tagList) == ""
		if !blank && parses {
			tx.EXPECT().Run(gomock.Any(), gomock.Any()).Return(nil)
		}
		s := NewEditor(Config{}, tx, cardmocks.NewMockOwnerCardRepository(ctrl), nil, nil, nil)
		sentValue := tagList // the form reads an absent field as ""
		if !sent {
			sentValue = ""
		}
		err := s.KeepTags(context.Background(), rep, sentValue)
		if !blank && parses {
			if err != nil {
				t.Fatalf("KeepTags(%q): %v", tagList, err)
			}
			return
		}
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.KindValidation || e.Code != 301 || len(e.Fields) != 1 || e.Fields[0].Field != "tag_list" {
			t.Fatalf("KeepTags(%q, %v): %v, want 301 on tag_list", tagList, sent, err)
		}
		if want := map[bool]string{true: "required", false: "invalid"}[blank]; e.Fields[0].Code != want {
			t.Fatalf("KeepTags(%q, %v): %+v, want code %s", tagList, sent, e.Fields, want)
		}
	})
}
