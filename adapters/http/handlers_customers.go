package http

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/customer"
	"leida/domain/followup"
	"leida/domain/tag"
	"leida/ports"
)

// formValues are every value sent for a body field (lists may come as
// repeated keys).
func formValues(c echo.Context, key string) []string {
	_ = parseBody(c)
	return c.Request().PostForm[key]
}

// firstForm is the first of several alias fields that was sent.
func firstForm(c echo.Context, keys ...string) string {
	for _, k := range keys {
		if v := form(c, k); v.Sent {
			return v.Value
		}
	}
	return ""
}

// wireDate renders a nullable date as YYYY-MM-DD (null when absent).
func wireDate(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format("2006-01-02")
}

// ---- E05–E08, E39–E41, A3 customers

type customerDetailItem struct {
	ID           int64    `json:"id"`
	Username     string   `json:"username"`
	Headimgurl   string   `json:"headimgurl"`
	ExpectedTime any      `json:"expected_time"`
	ExpectedPr   *string  `json:"expedted_pr"`
	AIPr         string   `json:"ai_pr"`
	Superior     string   `json:"superior"`
	Source       string   `json:"source"`
	MemoName     *string  `json:"memo_name"`
	Phone        string   `json:"phone"`
	Email        string   `json:"email"`
	Company      string   `json:"company"`
	Position     string   `json:"position"`
	Address      string   `json:"address"`
	Birthday     any      `json:"birthday"`
	Mem          string   `json:"mem"`
	Tag          []string `json:"tag"`
	Outcome      string   `json:"outcome"` // D10: open, won or lost
}

func presentDetail(d customer.Detail) customerDetailItem {
	item := customerDetailItem{ID: d.ID, Username: d.Username, Headimgurl: d.Headimgurl, ExpectedTime: wireDate(d.ExpectedTime),
		ExpectedPr: d.ExpectedPr, AIPr: d.AIPrWire(), Superior: d.SuperiorName, Source: d.Source.Label(), MemoName: d.MemoName,
		Birthday: "", Tag: d.Tags, Outcome: d.Outcome.String()}
	if in := d.Information; in != nil {
		item.Phone, item.Email, item.Company, item.Position, item.Address = in.Phone, in.Email, in.Company, in.Position, in.Address
		item.Birthday, item.Mem = wireDate(in.Birthday), in.Mem
	}
	return item
}

// CustomerDetail is E05.
func (h *Handlers) CustomerDetail(c echo.Context) error {
	if _, err := listQuery(c, 10); err != nil {
		return err
	}
	d, err := h.Customers.CustomerDetail(c.Request().Context(), actor(c), query(c, "customer_id"))
	if err != nil {
		return err
	}
	return ok(c, "查询成功", newPage([]customerDetailItem{presentDetail(d)}, 1))
}

// UpdateInformation is E06.
func (h *Handlers) UpdateInformation(c echo.Context) error {
	in := ports.InformationInput{Source: formValue(c, "source"), Phone: formValue(c, "phone"), Email: formValue(c, "email"),
		Company: formValue(c, "company"), Position: formValue(c, "position"), Address: formValue(c, "address"),
		Birthday: formValue(c, "birthday"), Mem: formValue(c, "mem"), Username: form(c, "username")}
	if err := h.Customers.UpdateInformation(c.Request().Context(), actor(c), pathID(c), in); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// UpdateCustomer is E07.
func (h *Handlers) UpdateCustomer(c echo.Context) error {
	in := ports.CustomerUpdateInput{TagList: formValues(c, "tag_list"),
		ExpectedPr: firstForm(c, "expedted_pr", "update_expected_pr"), ExpectedTime: formValue(c, "expected_time")}
	if err := h.Customers.UpdateCustomer(c.Request().Context(), actor(c), pathID(c), in); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// DeleteCustomer is E08.
func (h *Handlers) DeleteCustomer(c echo.Context) error {
	if err := h.Customers.DeleteCustomer(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// UpdateExpectedTime is E39.
func (h *Handlers) UpdateExpectedTime(c echo.Context) error {
	if err := h.Customers.UpdateExpectedTime(c.Request().Context(), actor(c), pathID(c), formValue(c, "expected_time")); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// UpdateExpectedPr is E40 (body expedted_pr, alias update_expected_pr).
func (h *Handlers) UpdateExpectedPr(c echo.Context) error {
	pr := firstForm(c, "expedted_pr", "update_expected_pr")
	if err := h.Customers.UpdateExpectedPr(c.Request().Context(), actor(c), pathID(c), pr); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// UpdateCustomerTags is E41.
func (h *Handlers) UpdateCustomerTags(c echo.Context) error {
	if err := h.Customers.UpdateTags(c.Request().Context(), actor(c), pathID(c), formValues(c, "tag_list")); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

type customerSearchItem struct {
	CustomerID int64  `json:"customer_id"`
	Username   string `json:"username"`
	Headimgurl string `json:"headimgurl"`
	CreateDate string `json:"create_date"`
}

// SearchCustomers is A3.
func (h *Handlers) SearchCustomers(c echo.Context) error {
	q, err := listQuery(c, 10, "id")
	if err != nil {
		return err
	}
	list, total, err := h.Customers.SearchCustomers(c.Request().Context(), actor(c), query(c, "username"), q)
	if err != nil {
		return err
	}
	items := make([]customerSearchItem, len(list))
	for i, cu := range list {
		items[i] = customerSearchItem{CustomerID: cu.ID, Username: cu.Username, Headimgurl: cu.Headimgurl,
			CreateDate: wireTime(cu.CreatedAt, h.Config.Location)}
	}
	return ok(c, "查询成功", newPage(items, total))
}

// ---- E20–E24, A2 tags

type tagCustomerItem struct {
	ID         int64  `json:"id"`
	Headimgurl string `json:"headimgurl"`
	Name       string `json:"name"`
}

type tagWithCustomersItem struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	TagID        int64             `json:"tag_id"`
	CustomerNum  int               `json:"customer_num"`
	CustomerList []tagCustomerItem `json:"customer_list"`
}

type tagCustomersData struct {
	RetData  []tagWithCustomersItem `json:"ret_data"`
	RetCount int                    `json:"ret_count"`
}

func presentTagsWithCustomers(list []tag.WithCustomers, total int) tagCustomersData {
	out := tagCustomersData{RetData: make([]tagWithCustomersItem, len(list)), RetCount: total}
	for i, t := range list {
		cs := make([]tagCustomerItem, len(t.Customers))
		for j, cu := range t.Customers {
			cs[j] = tagCustomerItem{ID: cu.ID, Headimgurl: cu.Headimgurl, Name: cu.Name}
		}
		out.RetData[i] = tagWithCustomersItem{ID: t.ID, Name: t.Name, TagID: t.ID, CustomerNum: len(cs), CustomerList: cs}
	}
	return out
}

// TagsWithCustomers is E20 (paging validated, not applied).
func (h *Handlers) TagsWithCustomers(c echo.Context) error {
	q, err := listQuery(c, 10, "id", "name")
	if err != nil {
		return err
	}
	list, total, err := h.Tags.TagsWithCustomers(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	return ok(c, "", presentTagsWithCustomers(list, total))
}

// SearchTags is A2.
func (h *Handlers) SearchTags(c echo.Context) error {
	q, err := listQuery(c, 10, "id", "name")
	if err != nil {
		return err
	}
	list, total, err := h.Tags.SearchTags(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	return ok(c, "", presentTagsWithCustomers(list, total))
}

type tagItem struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type tagGroupItem struct {
	Tags []tagItem `json:"tags"`
	Name string    `json:"name"`
}

type tagGroupsData struct {
	RetData  []tagGroupItem `json:"ret_data"`
	TagCount int            `json:"tag_count"`
}

// TagGroups is E21.
func (h *Handlers) TagGroups(c echo.Context) error {
	groups, err := h.Tags.TagGroups(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	out := tagGroupsData{RetData: make([]tagGroupItem, len(groups)), TagCount: len(groups)}
	for i, g := range groups {
		tags := make([]tagItem, len(g.Tags))
		for j, t := range g.Tags {
			tags[j] = tagItem{ID: t.ID, Name: t.Name}
		}
		out.RetData[i] = tagGroupItem{Tags: tags, Name: g.Name}
	}
	return ok(c, "请求成功", out)
}

// AddTagWithCustomers is E22.
func (h *Handlers) AddTagWithCustomers(c echo.Context) error {
	err := h.Tags.AddTagWithCustomers(c.Request().Context(), actor(c), formValue(c, "name"), formValues(c, "customer_list"))
	if err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// AddCustomTag is E23.
func (h *Handlers) AddCustomTag(c echo.Context) error {
	if err := h.Tags.AddCustomTag(c.Request().Context(), actor(c), pathID(c), formValue(c, "name")); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// ReplaceCustomerTags is E24.
func (h *Handlers) ReplaceCustomerTags(c echo.Context) error {
	if err := h.Tags.ReplaceCustomerTags(c.Request().Context(), actor(c), pathID(c), formValues(c, "tag_list")); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// ---- E34–E38, A4 follow-ups

type addressBookItem struct {
	CustomerID       int64   `json:"customer_id"`
	CustomerUsername string  `json:"customer_username"`
	Headimgurl       string  `json:"headimgurl"`
	ExpectedTime     any     `json:"expected_time"`
	ExpectedPr       *string `json:"expedted_pr"`
	Belonger         string  `json:"belonger"`
	Source           int     `json:"source"`
	LastFollowTime   string  `json:"last_follow_time"`
	LastActivityTime string  `json:"last_activity_time"`
	FollowStatus     string  `json:"follow_status"`
	AIPr             string  `json:"ai_pr"` // D10
}

// AddressBook is E34.
func (h *Handlers) AddressBook(c echo.Context) error {
	q, err := listQuery(c, 10, "customer_id", "create_date")
	if err != nil {
		return err
	}
	a := actor(c)
	entries, total, err := h.FollowUps.AddressBook(c.Request().Context(), a, query(c, "customer__source"), q)
	if err != nil {
		return err
	}
	items := make([]addressBookItem, len(entries))
	for i, e := range entries {
		items[i] = addressBookItem{CustomerID: e.CustomerID, CustomerUsername: e.CustomerName, Headimgurl: e.Headimgurl,
			ExpectedTime: wireDate(e.ExpectedTime), ExpectedPr: e.ExpectedPr, Belonger: a.Username, Source: e.Source,
			LastFollowTime: e.LastFollowText, LastActivityTime: e.LastActivityText, FollowStatus: e.FollowStatus,
			AIPr: customer.AIPrText(e.AIPr)}
	}
	return ok(c, "查询成功", newPage(items, total))
}

type phraseItem struct {
	LanguageID int64  `json:"language_id"`
	Language   string `json:"language"`
}

type phraseGroup struct {
	UserID             string       `json:"user_id"`
	FollowLanguageData []phraseItem `json:"follow_language_data"`
	FollowLanguage     []phraseItem `json:"follow_language"`
}

// ListPhrases is E35: both keys (D4).
func (h *Handlers) ListPhrases(c echo.Context) error {
	q, err := listQuery(c, 20)
	if err != nil {
		return err
	}
	a := actor(c)
	list, err := h.FollowUps.ListPhrases(c.Request().Context(), a, q)
	if err != nil {
		return err
	}
	items := make([]phraseItem, 0, len(list.Own)+len(list.Globals))
	for _, p := range append(append([]followup.Phrase{}, list.Own...), list.Globals...) {
		items = append(items, phraseItem{LanguageID: p.ID, Language: p.Text})
	}
	group := phraseGroup{UserID: strconv.FormatInt(a.UserID, 10), FollowLanguageData: items, FollowLanguage: items}
	return ok(c, "", newPage([]phraseGroup{group}, list.OwnAll))
}

// AddPhrase is E36.
func (h *Handlers) AddPhrase(c echo.Context) error {
	if err := h.FollowUps.AddPhrase(c.Request().Context(), actor(c), formValue(c, "custom_language")); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// DeletePhrase is E37.
func (h *Handlers) DeletePhrase(c echo.Context) error {
	if err := h.FollowUps.DeletePhrase(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

type followNoteItem struct {
	CustomerHeadimgurl string `json:"user_customer_flowup__customer__headimgurl"`
	UserAvatar         string `json:"user_customer_flowup__user__avatar"`
	Username           string `json:"user_customer_flowup__user__username"`
	FollowInfo         string `json:"follow_info"`
	CreateDate         string `json:"create_date"`
}

// ListFollowNotes is E38.
func (h *Handlers) ListFollowNotes(c echo.Context) error {
	q, err := listQuery(c, 20)
	if err != nil {
		return err
	}
	notes, total, err := h.FollowUps.ListFollowNotes(c.Request().Context(), actor(c), query(c, "customer_id"), q)
	if err != nil {
		return err
	}
	items := make([]followNoteItem, len(notes))
	for i, n := range notes {
		items[i] = followNoteItem{CustomerHeadimgurl: n.CustomerHeadimgurl, UserAvatar: n.UserAvatar, Username: n.Username,
			FollowInfo: n.Text, CreateDate: wireTime(n.CreatedAt, h.Config.Location)}
	}
	return ok(c, "", newPage(items, total))
}

// AddFollowNote is A4.
func (h *Handlers) AddFollowNote(c echo.Context) error {
	if err := h.FollowUps.AddFollowNote(c.Request().Context(), actor(c), pathID(c), formValue(c, "follow_info")); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}
