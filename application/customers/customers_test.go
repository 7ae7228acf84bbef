package customers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/application/apptest"
	customermocks "leida/application/customers/mocks"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/tag"
	"leida/domain/validate"
	"leida/ports"
	"leida/ports/mocks"
)

var (
	member = org.Actor{UserID: 7, CompanyID: 3, Level: org.LevelMember, Username: "张聪"}
	admin  = org.Actor{UserID: 8, CompanyID: 3, Level: org.LevelCompanyAdmin}
	now    = time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC)
)

type world struct {
	ctrl      *gomock.Controller
	tx        *mocks.MockTxRunner
	customers *customermocks.MockCustomerRepository
	tags      *customermocks.MockTagRepository
	followUps *customermocks.MockFollowUpRepository
	phrases   *customermocks.MockPhraseRepository
	clock     *mocks.MockClock
}

func newWorld(t *testing.T) world {
	ctrl := gomock.NewController(t)
	w := world{ctrl: ctrl, tx: mocks.NewMockTxRunner(ctrl), customers: customermocks.NewMockCustomerRepository(ctrl),
		tags: customermocks.NewMockTagRepository(ctrl), followUps: customermocks.NewMockFollowUpRepository(ctrl),
		phrases: customermocks.NewMockPhraseRepository(ctrl), clock: mocks.NewMockClock(ctrl)}
	w.tx.EXPECT().Run(gomock.Any(), gomock.Any()).AnyTimes().DoAndReturn(apptest.RunInline)
	w.clock.EXPECT().Now().AnyTimes().Return(now)
	return w
}

// updatesProfile expects customer 5's profile in company 3 to be updated
// and hands check what the update makes of an empty profile.
func (w world) updatesProfile(check func(customer.Profile)) *gomock.Call {
	return w.customers.EXPECT().UpdateProfile(gomock.Any(), int64(3), int64(5), gomock.Any()).DoAndReturn(
		func(_ context.Context, _, _ int64, fn func(*customer.Profile)) error {
			var p customer.Profile
			fn(&p)
			check(p)
			return nil
		})
}

func (w world) customerDesk() *Customers {
	return NewCustomers(w.tx, w.customers, w.tags, w.followUps, w.clock)
}

func wantCode(t *testing.T, err error, code int, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code || (msg != "" && e.Msg != msg) {
		t.Fatalf("want %d %q, got %v", code, msg, err)
	}
}

func wantField(t *testing.T, err error, code int, field, msg string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code || len(e.Fields) == 0 || e.Fields[0].Field != field || e.Fields[0].Message != msg {
		t.Fatalf("want %d %s:%q, got %v", code, field, msg, err)
	}
}

func TestViewerOfRoles(t *testing.T) {
	if v := viewer(member); v.WholeCompany || v.UserID != 7 || v.CompanyID != 3 {
		t.Errorf("member: %+v", v)
	}
	if !viewer(admin).WholeCompany || !viewer(org.Actor{Level: org.LevelPlatformAdmin}).WholeCompany {
		t.Error("company and platform admins see the whole company")
	}
}

func TestDeleteCustomer(t *testing.T) {
	tests := []struct {
		name      string
		actor     org.Actor
		remaining int
		forget    bool
	}{
		{"admin forgets the company's data", admin, -1, true},
		{"member, a colleague keeps the customer", member, 1, false},
		{"member, the last rep", member, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.customers.EXPECT().Visible(gomock.Any(), viewer(tc.actor), int64(5)).Return(customer.Customer{ID: 5}, nil)
			if tc.remaining >= 0 {
				w.customers.EXPECT().Unbind(gomock.Any(), int64(3), tc.actor.UserID, int64(5)).Return(tc.remaining, nil)
			}
			if tc.forget {
				w.customers.EXPECT().Forget(gomock.Any(), int64(3), int64(5)).Return(nil)
			}
			if err := w.customerDesk().DeleteCustomer(context.Background(), tc.actor, 5); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("invisible", func(t *testing.T) {
		w := newWorld(t)
		w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{}, ports.ErrNotFound)
		wantCode(t, w.customerDesk().DeleteCustomer(context.Background(), member, 5), 302, "用户ID不存在")
	})
}

func TestCustomerDetailBadID(t *testing.T) {
	w := newWorld(t)
	for _, raw := range []string{"", "x", "0", "-3"} {
		_, err := w.customerDesk().CustomerDetail(context.Background(), member, raw)
		wantCode(t, err, 302, "客户不存在")
	}
	w.customers.EXPECT().Detail(gomock.Any(), viewer(member), int64(9)).Return(customer.Detail{}, ports.ErrNotFound)
	_, err := w.customerDesk().CustomerDetail(context.Background(), member, "9")
	wantCode(t, err, 302, "客户不存在")
}

func TestUpdateCustomerRunsE41E40E39InOrder(t *testing.T) {
	w := newWorld(t)
	w.customers.EXPECT().Visible(gomock.Any(), viewer(member), int64(5)).Times(3).Return(customer.Customer{ID: 5}, nil)
	parent := int64(1)
	gomock.InOrder(
		w.tags.EXPECT().Existing(gomock.Any(), int64(3), []int64{11, 12}).Return([]tag.Tag{{ID: 12, ParentID: &parent, Name: "已婚"}}, nil),
		w.tags.EXPECT().ReplaceCustomerTags(gomock.Any(), int64(3), int64(5), []int64{12}).Return(nil),
		w.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(40), nil),
		w.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(40), "更新客户标签为: 已婚", now).Return(nil),
		w.updatesProfile(func(p customer.Profile) {
			if p.ExpectedPr == nil || *p.ExpectedPr != "80%" {
				t.Errorf("pr %v", p.ExpectedPr)
			}
		}),
		w.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(40), nil),
		w.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(40), "更新预计成交率为: 80%", now).Return(nil),
		w.updatesProfile(func(p customer.Profile) {
			if p.ExpectedTime == nil || p.ExpectedTime.Format("2006-01-02") != "2018-06-14" {
				t.Errorf("date %v", p.ExpectedTime)
			}
		}),
		w.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(40), nil),
		w.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(40), "更新预计成交日期: 2018-06-14", now).Return(nil),
	)
	err := w.customerDesk().UpdateCustomer(context.Background(), member, 5,
		ports.CustomerUpdateInput{TagList: []string{"[11,12]"}, ExpectedPr: "80%", ExpectedTime: "2018-6-14"})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUpdateCustomerStopsAtTheFirstFailure(t *testing.T) {
	w := newWorld(t)
	// E41's input is checked first; nothing else may be called (gomock fails on unexpected calls).
	err := w.customerDesk().UpdateCustomer(context.Background(), member, 5,
		ports.CustomerUpdateInput{TagList: []string{"oops"}, ExpectedPr: "80%", ExpectedTime: "bad"})
	wantField(t, err, 301, "tag_list", "Enter a valid JSON.")

	w = newWorld(t)
	w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Times(2).Return(customer.Customer{ID: 5}, nil)
	w.customers.EXPECT().UpdateProfile(gomock.Any(), int64(3), int64(5), gomock.Any()).Return(nil)
	w.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(1), nil)
	w.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(1), "更新预计成交率为: 80%", now).Return(nil)
	err = w.customerDesk().UpdateCustomer(context.Background(), member, 5, ports.CustomerUpdateInput{ExpectedPr: "80%", ExpectedTime: "bad"})
	wantField(t, err, 303, "expected_time", "Enter a valid date.")
}

func TestUpdateTagsNoneExists(t *testing.T) {
	w := newWorld(t)
	w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil)
	w.tags.EXPECT().Existing(gomock.Any(), int64(3), []int64{99}).Return([]tag.Tag{}, nil)
	wantCode(t, w.customerDesk().UpdateTags(context.Background(), member, 5, []string{"[99]"}), 301, "用户标签不存在")
}

func TestUpdateInformationMemoName(t *testing.T) {
	w := newWorld(t)
	w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil)
	w.customers.EXPECT().SaveInformation(gomock.Any(), int64(3), int64(5), customer.Information{Phone: "13812345678", Mem: "m"}).Return(nil)
	w.updatesProfile(func(p customer.Profile) {
		if p.MemoName == nil || *p.MemoName != "老王" {
			t.Errorf("memo %v", p.MemoName)
		}
	})
	err := w.customerDesk().UpdateInformation(context.Background(), member, 5,
		ports.InformationInput{Source: "1", Username: validate.Field{Value: " 老王 ", Sent: true}, Phone: "13812345678", Mem: "m"})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAddTagWithCustomersKeepsVisibleOnes(t *testing.T) {
	w := newWorld(t)
	desk := NewTags(w.tx, w.tags, w.customers)
	w.tags.EXPECT().NameTaken(gomock.Any(), int64(3), "新标签", int64(0)).AnyTimes().Return(false, nil)
	w.customers.EXPECT().Visible(gomock.Any(), viewer(member), int64(1)).AnyTimes().Return(customer.Customer{ID: 1}, nil)
	w.customers.EXPECT().Visible(gomock.Any(), viewer(member), int64(2)).AnyTimes().Return(customer.Customer{}, ports.ErrNotFound)
	wantCode(t, desk.AddTagWithCustomers(context.Background(), member, "新标签", []string{"[2]"}), 302, "标签关联客户不能为空")
	wantCode(t, desk.AddTagWithCustomers(context.Background(), member, "新标签", []string{"[]"}), 302, "标签关联客户不能为空")
	w.tags.EXPECT().Group(gomock.Any(), int64(3), tag.GroupCustom).Return(tag.Tag{ID: 4}, nil)
	w.tags.EXPECT().Create(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, tg *tag.Tag) error {
		if *tg.ParentID != 4 || *tg.CreatorID != 7 || tg.Name != "新标签" || tg.CompanyID != 3 {
			t.Errorf("tag %+v", tg)
		}
		tg.ID = 50
		return nil
	})
	w.tags.EXPECT().Link(gomock.Any(), int64(3), int64(50), []int64{1}).Return(nil)
	if err := desk.AddTagWithCustomers(context.Background(), member, "新标签", []string{"[1,2]"}); err != nil {
		t.Fatal(err)
	}
}

func TestAddCustomTagDuplicateRace(t *testing.T) {
	w := newWorld(t)
	desk := NewTags(w.tx, w.tags, w.customers)
	w.tags.EXPECT().NameTaken(gomock.Any(), int64(3), "爱吃串", int64(7)).Return(false, nil)
	w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil)
	w.tags.EXPECT().Group(gomock.Any(), int64(3), tag.GroupCustom).Return(tag.Tag{ID: 4}, nil)
	w.tags.EXPECT().Create(gomock.Any(), gomock.Any()).Return(ports.ErrDuplicate)
	wantField(t, desk.AddCustomTag(context.Background(), member, 5, "爱吃串"), 301, "name", "标签名已存在")
}

func (w world) followUpDesk(loc *time.Location) *FollowUps {
	return NewFollowUps(w.tx, w.followUps, w.phrases, w.customers, w.clock, Config{Location: loc})
}

func TestAddressBookLabelsWithTheInjectedClock(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	// now is 2026-03-10 12:00 in Shanghai; 2026-03-09 15:30 UTC is 23:30 that evening there.
	yesterdayLate := time.Date(2026, 3, 9, 15, 30, 0, 0, time.UTC)
	earlyToday := time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC)
	w.followUps.EXPECT().AddressBook(gomock.Any(), int64(3), int64(7), 2, gomock.Any()).Return(
		[]followup.Entry{{CustomerID: 1, LastFollowTime: &yesterdayLate, LastActivityTime: &earlyToday}}, 1, nil)
	entries, total, err := w.followUpDesk(sh).AddressBook(context.Background(), member, "2", ports.ListQuery{})
	if err != nil || total != 1 {
		t.Fatal(err, total)
	}
	e := entries[0]
	if e.LastFollowText != "昨天" || e.FollowStatus != "昨天已跟进" || e.LastActivityText != "今天" {
		t.Errorf("got %+v", e)
	}
	_, _, err = w.followUpDesk(sh).AddressBook(context.Background(), member, "9", ports.ListQuery{})
	if e, ok := errs.As(err); !ok || e.Code != 402 || !e.FieldsInData {
		t.Errorf("bad source: %v", err)
	}
}

func TestAddPhrase(t *testing.T) {
	w := newWorld(t)
	desk := w.followUpDesk(time.UTC)
	wantField(t, desk.AddPhrase(context.Background(), member, "  "), 301, "custom_language", "自定义用语不能为空")
	w.phrases.EXPECT().Taken(gomock.Any(), int64(3), int64(7), "计划近期安排拜访").Return(true, nil)
	wantField(t, desk.AddPhrase(context.Background(), member, "计划近期安排拜访"), 301, "custom_language", "自定义常用语已存在")
	w.phrases.EXPECT().Taken(gomock.Any(), int64(3), int64(7), "新话术").Times(2).Return(false, nil)
	w.phrases.EXPECT().Create(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, p *followup.Phrase) error {
		if *p.UserID != 7 || *p.CompanyID != 3 || p.Text != "新话术" {
			t.Errorf("phrase %+v", p)
		}
		return nil
	})
	if err := desk.AddPhrase(context.Background(), member, "新话术"); err != nil {
		t.Fatal(err)
	}
	w.phrases.EXPECT().Create(gomock.Any(), gomock.Any()).Return(ports.ErrDuplicate)
	wantField(t, desk.AddPhrase(context.Background(), member, "新话术"), 301, "custom_language", "自定义常用语已存在")
}

func TestDeletePhraseOfAnother(t *testing.T) {
	w := newWorld(t)
	w.phrases.EXPECT().DeleteOwn(gomock.Any(), int64(3), int64(7), int64(3)).Return(ports.ErrNotFound)
	wantCode(t, w.followUpDesk(time.UTC).DeletePhrase(context.Background(), member, 3), 302, "ID不存在")
}

func TestAddFollowNote(t *testing.T) {
	w := newWorld(t)
	desk := w.followUpDesk(time.UTC)
	w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(9)).Return(customer.Customer{}, ports.ErrNotFound)
	err := desk.AddFollowNote(context.Background(), member, 9, "")
	if e, _ := errs.As(err); e == nil || e.Code != 301 || len(e.Fields) != 2 {
		t.Fatalf("want both errors, got %v", err)
	}
	w.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil)
	w.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(2), nil)
	w.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(2), "拜访过", now).Return(errors.New("boom"))
	if err := desk.AddFollowNote(context.Background(), member, 5, "拜访过"); err == nil || err.Error() != "boom" {
		t.Fatalf("the note failure must surface: %v", err)
	}
}
