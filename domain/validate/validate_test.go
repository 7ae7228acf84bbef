package validate

import (
	"reflect"
	"testing"

	"leida/domain/errs"
)

func TestMobileRule(t *testing.T) {
	good := []string{"13012345678", "13912345678", "15012345678", "15312345678", "15512345678", "15912345678", "17612345678", "17812345678", "18012345678", "18912345678", "14512345678", "14712345678"}
	bad := []string{"", "1301234567", "130123456789", "15412345678", "17512345678", "17912345678", "14612345678", "12012345678", "1381234567a", "+8613812345678"}
	for _, v := range good {
		if !IsMobile(v) {
			t.Errorf("%s refused", v)
		}
	}
	for _, v := range bad {
		if IsMobile(v) {
			t.Errorf("%s accepted", v)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"2018-06-14": "2018-06-14", "2018-6-4": "2018-06-04", " 2018-06-14 ": "2018-06-14"} {
		d, ok := ParseDate(in)
		if !ok || d.Format("2006-01-02") != want {
			t.Errorf("%q → %v %v", in, d, ok)
		}
	}
	for _, in := range []string{"2018-02-30", "2018/06/14", "06/14/2018", "2018-13-01", "x", "2018-06-14T00:00:00"} {
		if _, ok := ParseDate(in); ok {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestFormKeepsFieldOrderAndCodes(t *testing.T) {
	f := New()
	f.Required("name", " ", "名称不能为空")
	f.Int("age", "x", "", "")
	f.OptionalMobile("phone", "123")
	f.OptionalEmail("email", "not-an-email")
	f.OptionalDate("birthday", "2018-02-30")
	f.Choice("status", "9", 1, 1, 2)
	err := f.Err(301)
	want := errs.FieldErrors{{Field: "name", Message: "名称不能为空", Code: "required"}, {Field: "age", Message: "Enter a whole number.", Code: "invalid"},
		{Field: "phone", Message: "手机号码格式错误", Code: ""}, {Field: "email", Message: "Enter a valid email address.", Code: "invalid"},
		{Field: "birthday", Message: "Enter a valid date.", Code: "invalid"},
		{Field: "status", Message: "Select a valid choice. 9 is not one of the available choices.", Code: "invalid_choice"}}
	if err == nil || !reflect.DeepEqual(f.Fields(), want) {
		t.Fatalf("got %+v", f.Fields())
	}
	if New().Err(301) != nil {
		t.Fatal("empty form failed")
	}
}

func TestIntAcceptsLegacyForms(t *testing.T) {
	for in, want := range map[string]int64{" 12 ": 12, "+3": 3, "-4": -4} {
		f := New()
		if got := f.Int("n", in, "", ""); got != want || !f.OK() {
			t.Errorf("%q → %d", in, got)
		}
	}
}
